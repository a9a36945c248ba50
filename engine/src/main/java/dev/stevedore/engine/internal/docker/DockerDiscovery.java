package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Works out which Docker Engine API endpoints to try, in the order the docker CLI and Testcontainers
 * would: {@code DOCKER_HOST} (with {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}); else the
 * current docker context ({@code DOCKER_CONTEXT}, else {@code currentContext} in {@code config.json});
 * else the well-known sockets of rootful and rootless Docker, Docker Desktop and Podman.
 *
 * <p>An explicit choice ({@code DOCKER_HOST} or a context) yields exactly one endpoint: a user who named
 * a daemon must not silently get another. The well-known sockets are all returned, and the first that
 * answers wins. Nothing here touches the network; it only reads files and variables.
 */
public final class DockerDiscovery {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The endpoints to try.
     *
     * @param endpoints in the order to try them
     * @param explicit  whether the user named the daemon ({@code DOCKER_HOST} or a docker context), so no
     *                  other may be tried in its place
     */
    public record Candidates(List<DockerEndpoint> endpoints, boolean explicit) {
        public Candidates {
            endpoints = List.copyOf(endpoints);
        }
    }

    private DockerDiscovery() {
    }

    /**
     * The candidates for this process: variables from the environment (a system property of the same name
     * in lower case with dots, such as {@code docker.host}, wins), {@code config.json} from
     * {@code dockerConfigDirectory}.
     */
    public static Candidates candidates(Path dockerConfigDirectory) {
        return candidates(DockerDiscovery::lookup, dockerConfigDirectory);
    }

    /** The candidates for this process's home and user, with the variables {@code variables} gives. */
    public static Candidates candidates(Function<String, String> variables, Path dockerConfigDirectory) {
        return candidates(variables, dockerConfigDirectory, Path.of(System.getProperty("user.home")), currentUid());
    }

    /**
     * The candidates for the given variables, docker config directory ({@code DOCKER_CONFIG} or
     * {@code ~/.docker}), home directory and user id.
     *
     * @throws ContainerEngineException when {@code DOCKER_HOST} or the selected context cannot be used
     *                                  (unknown scheme, named pipe, missing context metadata, missing TLS files)
     */
    public static Candidates candidates(Function<String, String> variables, Path dockerConfigDirectory, Path home, long uid) {
        String dockerHost = nonBlank(variables.apply("DOCKER_HOST"));
        if (dockerHost != null) {
            DockerEndpoint endpoint = DockerEndpoint.parse(dockerHost, null, "DOCKER_HOST");
            if (endpoint.kind() == DockerEndpoint.Kind.TCP && nonBlank(variables.apply("DOCKER_TLS_VERIFY")) != null) {
                String certPath = nonBlank(variables.apply("DOCKER_CERT_PATH"));
                Path tls = certPath != null ? Path.of(certPath) : dockerConfigDirectory;
                requireTlsFiles(tls, "DOCKER_TLS_VERIFY is set and DOCKER_CERT_PATH is " + (certPath != null ? certPath
                        : "unset, so " + dockerConfigDirectory + " is used"));
                endpoint = DockerEndpoint.parse(dockerHost, tls, "DOCKER_HOST");
            }
            return new Candidates(List.of(endpoint), true);
        }

        String contextFromEnv = nonBlank(variables.apply("DOCKER_CONTEXT"));
        String context = contextFromEnv != null ? contextFromEnv : currentContext(dockerConfigDirectory);
        if (context != null && !context.equals("default")) {
            String origin = contextFromEnv != null ? "DOCKER_CONTEXT" : "currentContext in " + dockerConfigDirectory.resolve("config.json");
            return new Candidates(List.of(contextEndpoint(dockerConfigDirectory, context, origin)), true);
        }

        String runtimeDir = nonBlank(variables.apply("XDG_RUNTIME_DIR"));
        Path runtime = runtimeDir != null ? Path.of(runtimeDir) : uid >= 0 ? Path.of("/run/user", Long.toString(uid)) : null;
        Set<DockerEndpoint> endpoints = new LinkedHashSet<>();
        endpoints.add(DockerEndpoint.unix(Path.of("/var/run/docker.sock"), "default socket"));
        if (runtime != null) {
            endpoints.add(DockerEndpoint.unix(runtime.resolve("docker.sock"), "rootless Docker"));
        }
        endpoints.add(DockerEndpoint.unix(home.resolve(".docker/run/docker.sock"), "Docker Desktop"));
        endpoints.add(DockerEndpoint.unix(Path.of("/run/podman/podman.sock"), "Podman (rootful)"));
        if (runtime != null) {
            endpoints.add(DockerEndpoint.unix(runtime.resolve("podman/podman.sock"), "Podman (rootless)"));
        }
        return new Candidates(new ArrayList<>(endpoints), false);
    }

    /** The endpoint the named context points at, with its TLS material when the context stores some. */
    static DockerEndpoint contextEndpoint(Path dockerConfigDirectory, String context, String origin) {
        String id = sha256Hex(context);
        Path meta = dockerConfigDirectory.resolve("contexts/meta").resolve(id).resolve("meta.json");
        String source = "docker context \"" + context + "\" (" + origin + ")";
        JsonNode json;
        try {
            json = MAPPER.readTree(Files.readAllBytes(meta));
        } catch (NoSuchFileException e) {
            throw new ContainerEngineException("Docker context \"" + context + "\" (selected by " + origin
                    + ") does not exist: " + meta + " is missing; run 'docker context ls' to see the contexts,"
                    + " 'docker context use default' to go back to the default, or set DOCKER_HOST");
        } catch (IOException e) {
            throw new ContainerEngineException("Reading docker context \"" + context + "\" from " + meta + " failed: "
                    + e.getMessage() + "; fix or remove that file, or set DOCKER_HOST", e);
        }
        JsonNode docker = json == null ? null : json.path("Endpoints").path("docker");
        String host = docker == null ? null : nonBlank(docker.path("Host").asText(null));
        if (host == null) {
            throw new ContainerEngineException("Docker context \"" + context + "\" (" + meta
                    + ") names no Endpoints.docker.Host; recreate it with 'docker context create' or set DOCKER_HOST");
        }
        Path tlsDir = dockerConfigDirectory.resolve("contexts/tls").resolve(id).resolve("docker");
        boolean hasTls = Files.isRegularFile(tlsDir.resolve("ca.pem"));
        if (hasTls && docker.path("SkipTLSVerify").asBoolean(false)) {
            throw new ContainerEngineException("Docker context \"" + context + "\" asks to skip TLS verification,"
                    + " which Stevedore does not do; give the context the daemon's CA ('docker context update "
                    + context + " --docker ca=...') or set DOCKER_HOST");
        }
        DockerEndpoint endpoint = DockerEndpoint.parse(host, null, source);
        if (hasTls && endpoint.kind() == DockerEndpoint.Kind.TCP) {
            requireTlsFiles(tlsDir, source + " stores TLS material");
            endpoint = DockerEndpoint.parse(host, tlsDir, source);
        }
        return endpoint;
    }

    /** The context {@code config.json} selects, or {@code null} for none (or an unreadable file). */
    static String currentContext(Path dockerConfigDirectory) {
        Path config = dockerConfigDirectory.resolve("config.json");
        try {
            JsonNode json = MAPPER.readTree(Files.readAllBytes(config));
            return json == null ? null : nonBlank(json.path("currentContext").asText(null));
        } catch (IOException e) {
            // no config, or one docker itself would complain about: the defaults apply
            return null;
        }
    }

    private static void requireTlsFiles(Path dir, String why) {
        List<String> missing = new ArrayList<>();
        for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                missing.add(file);
            }
        }
        if (!missing.isEmpty()) {
            throw new ContainerEngineException("TLS to the Docker daemon needs ca.pem, cert.pem and key.pem in " + dir
                    + " (" + why + "), but " + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " missing; point DOCKER_CERT_PATH at the directory 'docker' uses, or unset DOCKER_TLS_VERIFY");
        }
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static String lookup(String name) {
        String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        return property != null ? property : System.getenv(name);
    }
}
