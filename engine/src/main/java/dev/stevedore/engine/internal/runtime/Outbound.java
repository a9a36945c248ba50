package dev.stevedore.engine.internal.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What routes the user's network namespace out, found on this machine: slirp4netns, with iptables for the masquerade
 * and isolation rules inside (engine/src/main/c/outbound.c says why not pasta). Without either, containers reach only
 * each other, and {@link #reason()} says what to install.
 */
final class Outbound {
    private final Path slirp;
    private final Path iptables;
    private String reason;

    private Outbound(Path slirp, Path iptables, String reason) {
        this.slirp = slirp;
        this.iptables = iptables;
        this.reason = reason;
    }

    /** The helpers on PATH, or in the sbin directories an ordinary user's PATH often lacks. */
    static Outbound find() {
        Path slirp = which("slirp4netns");
        Path iptables = which("iptables");
        if (slirp == null || iptables == null) {
            return new Outbound(null, null, "no " + (slirp == null ? "slirp4netns" : "iptables")
                    + " found; install Debian's slirp4netns and iptables");
        }
        return new Outbound(slirp, iptables, null);
    }

    /** The holder's arguments after its socket and lock: empty without the helpers. */
    List<String> arguments() {
        return slirp == null ? List.of() : List.of(slirp.toString(), iptables.toString());
    }

    /** The helper could not start: the holder said why. */
    void failed(String why) {
        reason = why;
    }

    /** Why there is no route out; null while nothing says so. */
    String reason() {
        return reason == null ? "the holder of the user's namespaces was started without it" : reason;
    }

    private static Path which(String name) {
        Set<String> directories = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(":")));
        }
        directories.addAll(new ArrayList<>(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin")));
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
