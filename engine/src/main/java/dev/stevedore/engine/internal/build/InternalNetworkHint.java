package dev.stevedore.engine.internal.build;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What a failed RUN step's message adds when the step most likely failed for want of a way off the machine: as root
 * the embedded engine's networks are internal (no default route, no NAT), so a step that downloads ({@code apt-get
 * update}, {@code wget}, {@code pip install}) fails where dockerd's would not. Only for a step on the default
 * network of a rootful build (rootless steps go out through slirp4netns) whose last lines say a host was unreachable
 * or a name did not resolve — the words of the usual tools.
 */
final class InternalNetworkHint {
    private static final List<String> SIGNS = List.of("network is unreachable", "no route to host",
            "temporary failure resolving", "temporary failure in name resolution", "could not resolve host",
            "name or service not known", "bad address '", "could not resolve", "failed to establish a new connection");

    private InternalNetworkHint() {
    }

    /**
     * The hint, starting with a line break, or {@code ""}.
     *
     * @param network the step's network mode, {@code null} for the default network
     * @param output  the step's last lines of output
     * @param rootful whether the engine runs as root
     */
    static String of(String network, Collection<String> output, boolean rootful) {
        if (network != null || !rootful) {
            return "";
        }
        for (String line : output) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (SIGNS.stream().anyMatch(lower::contains)) {
                return "\nhint: as root the embedded engine's networks reach only this machine (no route out); for a"
                        + " step that downloads, build with --network host (BuildSpec.networkMode(\"host\")) or write"
                        + " RUN --network=host";
            }
        }
        return "";
    }
}
