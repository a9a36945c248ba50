package dev.stevedore.engine.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the credentials Docker would use for a registry, from {@code config.json} in Docker's config
 * directory: {@code credHelpers[registry]} first, then {@code credsStore}, then {@code auths[registry]}
 * (which holds {@code auth} = base64 of {@code user:password}, an {@code identitytoken} or a
 * {@code registrytoken}). Keys may be written as URLs; Docker Hub's key is {@value #DOCKER_HUB_SERVER}.
 *
 * <p>Credential helpers ({@code docker-credential-<name> get}) run as subprocesses with a timeout; a
 * helper that fails, times out or is missing means "no credentials". Secrets are never logged.
 * The file is read on every lookup, so a {@code docker login} in between is seen.
 */
public final class DockerCredentials {
    /** The key Docker Hub's credentials are stored under. */
    public static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";
    private static final List<String> DOCKER_HUB_NAMES = List.of("docker.io", "index.docker.io", "registry-1.docker.io");
    private static final Logger LOG = LoggerFactory.getLogger(DockerCredentials.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int HELPER_OUTPUT_LIMIT = 1 << 20;

    private final Path configFile;
    private final List<Path> helperSearchPath;
    private final Duration helperTimeout;

    /** Credentials from {@code configDirectory/config.json}, helpers found on {@code PATH}. */
    public DockerCredentials(Path configDirectory) {
        this(configDirectory, searchPath(System.getenv("PATH")), Duration.ofSeconds(30));
    }

    /** As {@link #DockerCredentials(Path)}, with helpers searched in {@code helperSearchPath} and given {@code helperTimeout}. */
    public DockerCredentials(Path configDirectory, List<Path> helperSearchPath, Duration helperTimeout) {
        this.configFile = configDirectory.resolve("config.json");
        this.helperSearchPath = List.copyOf(helperSearchPath);
        this.helperTimeout = helperTimeout;
    }

    /** The {@code config.json} read. */
    public Path configFile() {
        return configFile;
    }

    /**
     * The credentials for {@code registry} ({@code host[:port]}; {@code docker.io} or
     * {@code registry-1.docker.io} for Docker Hub), or empty when the user has none for it.
     */
    public Optional<RegistryCredential> lookup(String registry) {
        JsonNode config = readConfig();
        if (config == null) {
            return Optional.empty();
        }
        String host = hostname(registry);
        String serverAddress = DOCKER_HUB_NAMES.contains(host) ? DOCKER_HUB_SERVER : registry;

        String helper = entryFor(config.get("credHelpers"), host).map(JsonNode::asText).orElse(null);
        if (helper != null && !helper.isEmpty()) {
            return runHelper(helper, serverAddress);
        }
        JsonNode store = config.get("credsStore");
        if (store != null && store.isTextual() && !store.asText().isEmpty()) {
            Optional<RegistryCredential> fromStore = runHelper(store.asText(), serverAddress);
            if (fromStore.isPresent()) {
                return fromStore;
            }
        }
        return entryFor(config.get("auths"), host).flatMap(this::fromAuthEntry);
    }

    /**
     * The key {@code docker login} stores {@code serverAddress} under: {@value #DOCKER_HUB_SERVER} for Docker Hub's
     * names, the hostname ({@code host[:port]}) for every other registry.
     */
    public static String loginKey(String serverAddress) {
        String host = hostname(serverAddress);
        return host.isEmpty() || DOCKER_HUB_NAMES.contains(host) ? DOCKER_HUB_SERVER : host;
    }

    /**
     * Stores a login as {@code docker login} does: through the credential helper the config names for the server
     * ({@code credHelpers}, else {@code credsStore}), else as {@code auths[key].auth} = base64 of
     * {@code user:password} ({@code user:} and an {@code identitytoken} when the registry issued one).
     *
     * @return the helper's program name, or {@code null} when it went into {@code config.json} unencrypted
     * @throws IOException when the file cannot be written or the helper fails (its message in the exception)
     */
    public String store(String serverAddress, String username, String password, String identityToken) throws IOException {
        String key = loginKey(serverAddress);
        ObjectNode config = readForUpdate();
        String helper = helperFor(config, key);
        if (helper != null) {
            ObjectNode payload = MAPPER.createObjectNode().put("ServerURL", key)
                    .put("Username", identityToken != null ? "<token>" : username)
                    .put("Secret", identityToken != null ? identityToken : password);
            runHelperCommand(helper, "store", MAPPER.writeValueAsBytes(payload));
            return "docker-credential-" + helper;
        }
        ObjectNode entry = MAPPER.createObjectNode();
        String pair = username + ":" + (identityToken != null ? "" : password);
        entry.put("auth", Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        if (identityToken != null) {
            entry.put("identitytoken", identityToken);
        }
        auths(config).set(key, entry);
        write(config);
        return null;
    }

    /**
     * Removes the login for {@code serverAddress} as {@code docker logout} does: from its credential helper when
     * one is configured, and from {@code auths} (every key naming the same host).
     *
     * @throws IOException when the file cannot be written or the helper fails
     */
    public void erase(String serverAddress) throws IOException {
        String key = loginKey(serverAddress);
        ObjectNode config = readForUpdate();
        String helper = helperFor(config, key);
        if (helper != null) {
            runHelperCommand(helper, "erase", key.getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode auths = auths(config);
        List<String> keys = new ArrayList<>();
        auths.fieldNames().forEachRemaining(name -> {
            if (sameRegistry(hostname(name), hostname(key)) || name.equals(key)) {
                keys.add(name);
            }
        });
        auths.remove(keys);
        write(config);
    }

    private static String helperFor(ObjectNode config, String key) {
        String helper = entryFor(config.get("credHelpers"), hostname(key)).map(JsonNode::asText).orElse(null);
        if (helper == null || helper.isEmpty()) {
            JsonNode store = config.get("credsStore");
            helper = store != null && store.isTextual() ? store.asText() : null;
        }
        return helper == null || helper.isEmpty() ? null : helper;
    }

    private static ObjectNode auths(ObjectNode config) {
        JsonNode auths = config.get("auths");
        return auths instanceof ObjectNode node ? node : config.putObject("auths");
    }

    private ObjectNode readForUpdate() throws IOException {
        if (!Files.exists(configFile)) {
            return MAPPER.createObjectNode();
        }
        JsonNode config;
        try {
            config = MAPPER.readTree(Files.readAllBytes(configFile));
        } catch (JsonProcessingException e) {
            throw new IOException(configFile + " is not valid JSON (" + e.getOriginalMessage() + "); fix or remove it first", e);
        }
        if (config == null || config.isMissingNode()) {
            return MAPPER.createObjectNode();
        }
        if (!(config instanceof ObjectNode node)) {
            throw new IOException(configFile + " does not hold a JSON object; fix or remove it first");
        }
        return node;
    }

    /** Writes as the docker CLI does: tab-indented, no final newline, mode 0600, replaced atomically. */
    private void write(ObjectNode config) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("\t", "\n"))
                .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("").withArrayEmptySeparator(""));
        byte[] bytes = MAPPER.writer(printer).writeValueAsBytes(config);
        Path directory = configFile.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "config.json", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temporary, bytes);
            Files.move(temporary, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void runHelperCommand(String name, String action, byte[] input) throws IOException {
        String program = "docker-credential-" + name;
        Path executable = helperSearchPath.stream().map(dir -> dir.resolve(program))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("the credential helper " + program + " named in " + configFile
                        + " is not on the PATH; install it or remove it from the file"));
        Process process = new ProcessBuilder(executable.toString(), action).redirectErrorStream(true).start();
        try {
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readLimited(process.getInputStream()));
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input);
            } catch (IOException e) {
                // a helper may exit before reading its input; its exit status tells what happened
            }
            if (!process.waitFor(helperTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(program + " " + action + " did not finish within " + helperTimeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                String said = new String(output.get(helperTimeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8).strip();
                throw new IOException(program + " " + action + " failed (exit " + process.exitValue() + ")"
                        + (said.isEmpty() ? "" : ": " + said));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(program + " " + action + " was interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(program + " " + action + " gave no answer", e);
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * The hostname a config key or registry name stands for, as Docker's {@code ConvertToHostname}:
     * scheme and path dropped, Docker Hub's aliases kept as they are.
     */
    static String hostname(String keyOrRegistry) {
        String s = keyOrRegistry.trim();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** Whether {@code host} is one of Docker Hub's names. */
    static boolean isDockerHub(String host) {
        return DOCKER_HUB_NAMES.contains(host);
    }

    private static boolean sameRegistry(String a, String b) {
        return a.equals(b) || (DOCKER_HUB_NAMES.contains(a) && DOCKER_HUB_NAMES.contains(b));
    }

    /** The value under the key that names {@code host}: an exact key first, then keys written as URLs. */
    private static Optional<JsonNode> entryFor(JsonNode map, String host) {
        if (map == null || !map.isObject()) {
            return Optional.empty();
        }
        if (map.has(host)) {
            return Optional.of(map.get(host));
        }
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            if (sameRegistry(hostname(entry.getKey()), host)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    private Optional<RegistryCredential> fromAuthEntry(JsonNode entry) {
        String source = configFile.toString();
        String registryToken = text(entry, "registrytoken");
        if (registryToken != null) {
            return Optional.of(RegistryCredential.registryToken(registryToken, source));
        }
        String username = text(entry, "username");
        String password = text(entry, "password");
        String auth = text(entry, "auth");
        if (auth != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring an \"auth\" entry in {} that is not base64", source);
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                LOG.warn("Ignoring an \"auth\" entry in {} that is not base64 of user:password", source);
                return Optional.empty();
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        String identityToken = text(entry, "identitytoken");
        if (identityToken != null) {
            return Optional.of(RegistryCredential.identityToken(username, identityToken, source));
        }
        if (username != null && !username.isEmpty()) {
            return Optional.of(RegistryCredential.password(username, password == null ? "" : password, source));
        }
        return Optional.empty();
    }

    private Optional<RegistryCredential> runHelper(String name, String serverAddress) {
        String program = "docker-credential-" + name;
        Path executable = helperSearchPath.stream().map(dir -> dir.resolve(program))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (executable == null) {
            LOG.warn("Credential helper {} named in {} is not on the PATH; continuing without its credentials", program, configFile);
            return Optional.empty();
        }
        Process process;
        try {
            process = new ProcessBuilder(executable.toString(), "get")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            LOG.warn("Cannot run credential helper {}: {}", executable, e.getMessage());
            return Optional.empty();
        }
        try {
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readLimited(process.getInputStream()));
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(serverAddress.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a helper may exit before reading its input; its exit status tells what happened
            }
            if (!process.waitFor(helperTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Credential helper {} did not answer within {} s; continuing without its credentials",
                        program, helperTimeout.toSeconds());
                return Optional.empty();
            }
            if (process.exitValue() != 0) {
                LOG.debug("Credential helper {} has no credentials for {} (exit {})", program, serverAddress, process.exitValue());
                return Optional.empty();
            }
            JsonNode answer = MAPPER.readTree(output.get(helperTimeout.toMillis(), TimeUnit.MILLISECONDS));
            String username = text(answer, "Username");
            String secret = text(answer, "Secret");
            if (secret == null || secret.isEmpty()) {
                return Optional.empty();
            }
            String source = program;
            return Optional.of("<token>".equals(username)
                    ? RegistryCredential.identityToken(null, secret, source)
                    : RegistryCredential.password(username, secret, source));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
            // deliberately not the output itself: it may hold the secret
            LOG.warn("Credential helper {} gave an answer that is not the expected JSON; continuing without its credentials", program);
            return Optional.empty();
        } finally {
            process.destroyForcibly();
        }
    }

    private static byte[] readLimited(InputStream in) {
        try (in) {
            return in.readNBytes(HELPER_OUTPUT_LIMIT);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private JsonNode readConfig() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(configFile);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}; continuing without registry credentials", configFile, e.getMessage());
            return null;
        }
        try {
            JsonNode config = MAPPER.readTree(bytes);
            return config != null && config.isObject() ? config : null;
        } catch (IOException e) {
            LOG.warn("{} is not valid JSON; continuing without registry credentials", configFile);
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static List<Path> searchPath(String path) {
        List<Path> dirs = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        return dirs;
    }
}
