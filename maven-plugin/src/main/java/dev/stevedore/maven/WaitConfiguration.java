package dev.stevedore.maven;

import java.util.ArrayList;
import java.util.List;

/**
 * A container's {@code <wait>}: set exactly one of {@code <log>}, {@code <ports>}, {@code <http>} or
 * {@code <command>}.
 *
 * <pre>{@code
 * <wait><log>ready to accept connections</log><times>2</times></wait>
 * <wait><ports>true</ports></wait>                 <!-- every published port accepts connections -->
 * <wait><http>/health</http><httpPort>8080</httpPort></wait>
 * <wait><command><arg>pg_isready</arg></command></wait>
 * }</pre>
 *
 * <p>Filled in by Maven through its fields, as {@link ContainerConfiguration}.
 */
public class WaitConfiguration {
    /** A regular expression a log line must contain. */
    String log;
    /** The how-manyth matching log line counts (default 1). */
    int times = 1;
    /** Wait until every published port accepts connections. */
    boolean ports;
    /** A path answered with a 2xx status over plain HTTP. */
    String http;
    /** The container port for {@code http}; default the first published one. */
    Integer httpPort;
    /** A command run in the container that must exit with 0. */
    List<String> command = new ArrayList<>();

    /** For Maven. */
    public WaitConfiguration() {
    }
}
