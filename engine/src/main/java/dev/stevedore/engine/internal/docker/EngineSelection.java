package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.embedded.EmbeddedEngine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses the engine {@link ContainerEngine#detect} opens, in this order:
 * <ol>
 *   <li>{@code STEVEDORE_ENGINE} ({@code embedded} or {@code docker}; the system property
 *       {@code stevedore.engine} wins over the environment) — an explicit choice is always honoured;</li>
 *   <li>{@code DOCKER_HOST} set, or a docker context selected ({@code DOCKER_CONTEXT}, or {@code currentContext}
 *       in {@code config.json} other than {@code default}) → Docker: the user pointed at a daemon;</li>
 *   <li>the embedded engine where it can run: Linux, {@code overlay} in {@code /proc/filesystems}, and either
 *       root with {@code CAP_SYS_ADMIN} in the effective capabilities (without it no mount or pid namespace can be
 *       made: a container started without {@code --privileged}) or, for an ordinary user, rootless: user
 *       namespaces enabled and, with a subordinate id range, {@code newuidmap} (see {@code RootlessHost});</li>
 *   <li>a well-known Docker or Podman socket that answers → Docker;</li>
 *   <li>else a {@link ContainerEngineException} saying what each step found.</li>
 * </ol>
 * The decision ({@link #decide(Facts)}) reads only {@link Facts}, so tests can give it any machine.
 */
public final class EngineSelection {
    /** How long each well-known socket may take to answer {@code /_ping} during selection. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** {@code CAP_SYS_ADMIN}'s bit in {@code /proc/self/status}'s {@code CapEff}. */
    private static final int CAP_SYS_ADMIN = 21;

    /** Which engine. */
    public enum Kind { EMBEDDED, DOCKER }

    /**
     * The choice and why it was made.
     *
     * @param kind     the engine
     * @param reason   why, for logs and messages ({@code DOCKER_HOST is set})
     * @param endpoint the Docker endpoint a probe found answering; empty when Docker's own discovery applies
     */
    public record Decision(Kind kind, String reason, Optional<DockerEndpoint> endpoint) {
    }

    /** What the choice depends on. */
    public interface Facts {
        /** A setting by its environment variable name ({@code DOCKER_HOST}); {@code null} when unset. */
        String variable(String name);

        /** The docker context {@code config.json} selects, or {@code null}. */
        String configuredDockerContext();

        /** {@code os.name}. */
        String osName();

        /** The effective user id, or -1 when unknown. */
        long effectiveUid();

        /** Whether the kernel offers the overlay file system. */
        boolean overlayAvailable();

        /** Whether this process holds CAP_SYS_ADMIN, needed to make namespaces and mounts. */
        boolean canCreateNamespaces();

        /** For an ordinary user: what keeps rootless containers from running, with its fix; {@code null} when nothing does. */
        String rootlessProblem();

        /** Probes the well-known Docker and Podman sockets; called only when the decision comes to it. */
        DockerConnector.Probe probeDockerSockets();
    }

    private EngineSelection() {
    }

    /** Chooses and opens the engine for this process. */
    public static ContainerEngine open(EngineSettings settings) {
        return open(settings, Map.of());
    }

    /** Chooses and opens the engine, with {@code overrides} winning over system properties and the environment. */
    public static ContainerEngine open(EngineSettings settings, Map<String, String> overrides) {
        Function<String, String> variables = variables(overrides);
        return open(settings, systemFacts(settings, variables), variables);
    }

    static ContainerEngine open(EngineSettings settings, Facts facts, Function<String, String> variables) {
        Decision decision = decide(facts);
        if (decision.kind() == Kind.EMBEDDED) {
            return EmbeddedEngine.open(settings, decision.reason());
        }
        DockerDiscovery.Candidates candidates = decision.endpoint()
                .map(e -> new DockerDiscovery.Candidates(List.of(e), true))
                .orElseGet(() -> DockerDiscovery.candidates(variables, settings.dockerConfigDirectory()));
        return DockerEngine.open(candidates, settings, decision.reason());
    }

    /** A variable's value: {@code overrides} (empty is unset), else the system property, else the environment. */
    static Function<String, String> variables(Map<String, String> overrides) {
        Map<String, String> given = Map.copyOf(overrides);
        return name -> {
            if (given.containsKey(name)) {
                String value = given.get(name);
                return value.isEmpty() ? null : value;
            }
            String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
            return property != null ? property : System.getenv(name);
        };
    }

    /**
     * The choice for these facts.
     *
     * @throws ContainerEngineException when {@code STEVEDORE_ENGINE} names no engine, or when no engine is usable
     */
    public static Decision decide(Facts facts) {
        String explicit = nonBlank(facts.variable("STEVEDORE_ENGINE"));
        if (explicit != null) {
            switch (explicit.toLowerCase(Locale.ROOT)) {
                case "embedded" -> {
                    return new Decision(Kind.EMBEDDED, "STEVEDORE_ENGINE=" + explicit, Optional.empty());
                }
                case "docker" -> {
                    return new Decision(Kind.DOCKER, "STEVEDORE_ENGINE=" + explicit, Optional.empty());
                }
                default -> throw new ContainerEngineException("STEVEDORE_ENGINE is \"" + explicit
                        + "\", which names no engine; set it to embedded or docker, or unset it to let Stevedore choose");
            }
        }
        String dockerHost = nonBlank(facts.variable("DOCKER_HOST"));
        if (dockerHost != null) {
            return new Decision(Kind.DOCKER, "DOCKER_HOST is set (" + dockerHost + ")", Optional.empty());
        }
        String contextFromEnv = nonBlank(facts.variable("DOCKER_CONTEXT"));
        String context = contextFromEnv != null ? contextFromEnv : nonBlank(facts.configuredDockerContext());
        if (context != null && !context.equals("default")) {
            return new Decision(Kind.DOCKER, "docker context \"" + context + "\" is selected"
                    + (contextFromEnv != null ? " by DOCKER_CONTEXT" : " in config.json"), Optional.empty());
        }
        List<String> blockers = embeddedBlockers(facts);
        if (blockers.isEmpty()) {
            return new Decision(Kind.EMBEDDED, facts.effectiveUid() == 0 ? "Linux, root, overlayfs and CAP_SYS_ADMIN are available"
                    : "Linux, overlayfs and user namespaces are available: rootless as uid " + facts.effectiveUid(), Optional.empty());
        }
        DockerConnector.Probe probe = facts.probeDockerSockets();
        if (probe.answering().isPresent()) {
            DockerEndpoint endpoint = probe.answering().get();
            return new Decision(Kind.DOCKER, "the embedded engine cannot run here (" + String.join(", ", blockers)
                    + ") and a Docker daemon answers at " + endpoint.uri(), probe.answering());
        }
        StringBuilder message = new StringBuilder("No container engine is usable here. Tried:")
                .append("\n  - STEVEDORE_ENGINE: not set")
                .append("\n  - DOCKER_HOST: not set; docker context: ").append(context == null ? "none selected" : "default")
                .append("\n  - the embedded engine (needs Linux, overlayfs, and root with CAP_SYS_ADMIN or rootless user namespaces): ")
                .append(String.join(", ", blockers))
                .append("\n  - Docker and Podman sockets:");
        for (String tried : probe.tried()) {
            message.append("\n      ").append(tried);
        }
        message.append("\nFix what the embedded engine lacks (above), or run as root on Linux (in a container: --privileged), or start Docker or")
                .append(" Podman, or set DOCKER_HOST to a daemon's address.");
        throw new ContainerEngineException(message.toString());
    }

    /** What keeps the embedded engine from running; empty when nothing does. */
    static List<String> embeddedBlockers(Facts facts) {
        List<String> blockers = new ArrayList<>();
        String os = facts.osName() == null ? "" : facts.osName();
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            blockers.add("this is " + (os.isEmpty() ? "an unknown OS" : os) + ", not Linux");
            return blockers;
        }
        long uid = facts.effectiveUid();
        if (uid < 0) {
            blockers.add("the effective user id is unknown");
        } else if (uid != 0) {
            String problem = facts.rootlessProblem();
            if (problem != null) {
                blockers.add("not root (effective uid " + uid + ") and rootless containers are unavailable: " + problem);
            }
        }
        if (!facts.overlayAvailable()) {
            blockers.add("no overlay file system in /proc/filesystems (modprobe overlay)");
        }
        if (uid == 0 && !facts.canCreateNamespaces()) {
            blockers.add("no CAP_SYS_ADMIN, so no namespaces or mounts can be made");
        }
        return blockers;
    }

    /** The facts of this process and machine. */
    static Facts systemFacts(EngineSettings settings) {
        return systemFacts(settings, variables(Map.of()));
    }

    /** The facts of this machine, with the variables {@code variables} gives. */
    static Facts systemFacts(EngineSettings settings, Function<String, String> variables) {
        return new Facts() {
            @Override
            public String variable(String name) {
                return variables.apply(name);
            }

            @Override
            public String configuredDockerContext() {
                return DockerDiscovery.currentContext(settings.dockerConfigDirectory());
            }

            @Override
            public String osName() {
                return System.getProperty("os.name");
            }

            @Override
            public long effectiveUid() {
                String[] ids = statusField("Uid:").orElse("").split("\\s+");
                try {
                    return ids.length > 1 ? Long.parseLong(ids[1]) : -1L;
                } catch (NumberFormatException e) {
                    return -1L;
                }
            }

            @Override
            public boolean overlayAvailable() {
                try {
                    return Files.readAllLines(Path.of("/proc/filesystems"), StandardCharsets.US_ASCII).stream()
                            .map(String::strip).anyMatch(line -> line.equals("overlay") || line.endsWith("\toverlay")
                                    || line.endsWith(" overlay"));
                } catch (IOException e) {
                    return false;
                }
            }

            @Override
            public boolean canCreateNamespaces() {
                return statusField("CapEff:").map(v -> hasCapability(v, CAP_SYS_ADMIN)).orElse(false);
            }

            @Override
            public String rootlessProblem() {
                try {
                    dev.stevedore.engine.internal.runtime.RootlessHost.check();
                    return null;
                } catch (ContainerEngineException e) {
                    return e.getMessage();
                }
            }

            @Override
            public DockerConnector.Probe probeDockerSockets() {
                return DockerConnector.probe(DockerDiscovery.candidates(variables, settings.dockerConfigDirectory()), PROBE_TIMEOUT);
            }
        };
    }

    /** Whether the hexadecimal capability mask {@code hex} ({@code 000001ffffffffff}) has bit {@code capability}. */
    static boolean hasCapability(String hex, int capability) {
        try {
            return new java.math.BigInteger(hex.strip(), 16).testBit(capability);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Optional<String> statusField(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII).stream()
                    .filter(line -> line.startsWith(field)).map(line -> line.substring(field.length()).strip()).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
