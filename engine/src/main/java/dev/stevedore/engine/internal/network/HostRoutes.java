package dev.stevedore.engine.internal.network;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The host's IPv4 routes (from {@code /proc/net/route}): the subnets a new network must not overlap. */
final class HostRoutes {
    static final Path ROUTES = Path.of("/proc/net/route");

    /** A route: the subnet it reaches and through which interface. */
    record Route(String device, Subnet destination) {
    }

    private HostRoutes() {
    }

    /** The routes of the network namespace that {@code file} ({@link #ROUTES}, or {@code /proc/PID/net/route}) shows. */
    static List<Route> read(Path file) throws IOException {
        return parse(Files.readAllLines(file), ByteOrder.nativeOrder());
    }

    /** Parses the file's lines; addresses there are hex in the kernel's byte order. Skips default routes. */
    static List<Route> parse(List<String> lines, ByteOrder order) {
        List<Route> routes = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            int destination = hex(f[1], order);
            int mask = hex(f[7], order);
            int prefix = Integer.bitCount(mask);
            if (prefix == 0 || Subnet.mask(prefix) != mask) {
                continue;
            }
            routes.add(new Route(f[0], new Subnet(destination & mask, prefix)));
        }
        return routes;
    }

    private static int hex(String field, ByteOrder order) {
        int value = Integer.parseUnsignedInt(field, 16);
        return order == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(value) : value;
    }
}
