package dev.stevedore.engine.bench;

import dev.stevedore.engine.internal.network.PortForwarder;
import dev.stevedore.engine.internal.network.PortProxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * For the benchmarks only: the port proxy process as it was before the native one, {@link PortProxy} in a small
 * JVM of its own, started with the options the engine used ({@link #JVM_OPTIONS}). Arguments: {@code (<host
 * address> <host port> <target address> <target port>)...}; prints {@code ready <pid> <host port>...} once bound
 * and relays until its stdin ends.
 */
public final class JvmPortProxy {
    /** The options the engine started its proxy JVMs with. */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmx48m", "-XX:-UsePerfData",
            "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:MaxDirectMemorySize=512m",
            "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN");

    private JvmPortProxy() {
    }

    public static void main(String[] args) throws IOException {
        try (PortProxy proxy = new PortProxy()) {
            List<PortForwarder> forwarders = new ArrayList<>();
            for (int i = 0; i + 3 < args.length; i += 4) {
                forwarders.add(proxy.forward(new InetSocketAddress(InetAddress.getByName(args[i]), Integer.parseInt(args[i + 1])),
                        new InetSocketAddress(InetAddress.getByName(args[i + 2]), Integer.parseInt(args[i + 3]))));
            }
            StringBuilder ready = new StringBuilder("ready ").append(ProcessHandle.current().pid());
            forwarders.forEach(f -> ready.append(' ').append(f.port()));
            System.out.println(ready);
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
