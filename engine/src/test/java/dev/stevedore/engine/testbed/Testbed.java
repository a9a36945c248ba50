package dev.stevedore.engine.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test bed that {@code testbed/up} starts: registries on loopback, credentials, test images and
 * the files that describe them, as written to {@code testbed.env}.
 *
 * <p>{@link #get()} fails (it does not skip) when the test bed is not up, because an integration test
 * that silently skips proves nothing. The file is {@code $STEVEDORE_TESTBED/testbed.env}
 * ({@code /var/lib/stevedore-testbed} by default); the system property {@code stevedore.testbed}
 * names another state directory. Registries: {@link #plainRegistry()} (HTTP, no auth),
 * {@link #tlsRegistry()} (HTTPS with {@link #caCertificate()}, Basic auth), {@link #tokenRegistry()}
 * (HTTP, Bearer tokens from {@link TokenIssuer}, which a test must start). All three serve the same
 * repositories, listed by {@link #images()}.
 */
public final class Testbed {

    /** Where the file comes from when nothing says otherwise. */
    public static final Path DEFAULT_STATE = Path.of("/var/lib/stevedore-testbed");

    private static final String HOW_TO_FIX = "the test bed is not up: run `sudo testbed/up` from the repository root";

    private static Testbed instance;

    private final Path envFile;
    private final Map<String, String> values;

    private Testbed(Path envFile, Map<String, String> values) {
        this.envFile = envFile;
        this.values = values;
    }

    /**
     * Reads {@code testbed.env} once per JVM and checks that the three registries answer.
     *
     * @throws AssertionError when the file is missing or a registry does not answer as expected
     */
    public static synchronized Testbed get() {
        if (instance == null) {
            Testbed testbed = load(stateDirectory().resolve("testbed.env"));
            testbed.checkRegistriesAnswer();
            instance = testbed;
        }
        return instance;
    }

    /** The state directory: system property {@code stevedore.testbed}, else {@code STEVEDORE_TESTBED}, else the default. */
    public static Path stateDirectory() {
        String property = System.getProperty("stevedore.testbed");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("STEVEDORE_TESTBED");
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_STATE;
    }

    /** Parses a {@code testbed.env} file without checking anything else (for tests of this class). */
    static Testbed load(Path envFile) {
        if (!Files.isRegularFile(envFile)) {
            throw new AssertionError(HOW_TO_FIX + " (" + envFile + " does not exist)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(envFile, StandardCharsets.UTF_8)) {
            lines.map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .forEach(line -> {
                        int eq = line.indexOf('=');
                        if (eq > 0) {
                            values.put(line.substring(0, eq), line.substring(eq + 1));
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("reading the test bed description " + envFile + " failed", e);
        }
        return new Testbed(envFile, Map.copyOf(values));
    }

    /** The raw value of a {@code testbed.env} key; fails naming the key and the file when it is missing. */
    public String value(String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new AssertionError(envFile + " has no " + key + ": rerun `sudo testbed/up` (a newer testbed/up writes it)");
        }
        return value;
    }

    /** {@code 127.0.0.1:5000}: plain HTTP, no authentication. */
    public String plainRegistry() {
        return value("PLAIN_REGISTRY");
    }

    /**
     * Deletes {@code repository:tag} from the {@linkplain #plainRegistry() plain registry} through its API (the test
     * bed enables deletes), so that a test that pushes leaves nothing behind; false when the tag is not there.
     */
    public boolean deleteFromPlainRegistry(String repository, String tag) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        String manifests = "http://" + plainRegistry() + "/v2/" + repository + "/manifests/";
        try {
            HttpResponse<Void> head = client.send(HttpRequest.newBuilder(URI.create(manifests + tag))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60))
                    .header("Accept", String.join(", ", "application/vnd.docker.distribution.manifest.v2+json",
                            "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
                            "application/vnd.docker.distribution.manifest.list.v2+json"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            if (head.statusCode() == 404) {
                return false;
            }
            String digest = head.headers().firstValue("Docker-Content-Digest").orElseThrow(() -> new AssertionError(
                    "HEAD " + manifests + tag + " answered " + head.statusCode() + " without Docker-Content-Digest"));
            HttpResponse<String> deleted = client.send(HttpRequest.newBuilder(URI.create(manifests + digest)).DELETE()
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (deleted.statusCode() != 202) {
                throw new AssertionError("DELETE " + manifests + digest + " answered " + deleted.statusCode() + ": "
                        + deleted.body());
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + repository + ":" + tag + " from " + plainRegistry(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted deleting " + repository + ":" + tag, e);
        }
    }

    /** {@code 127.0.0.1:5001}: HTTPS (certificate from {@link #caCertificate()}), Basic authentication. */
    public String tlsRegistry() {
        return value("TLS_REGISTRY");
    }

    public String tlsUser() {
        return value("TLS_USER");
    }

    public String tlsPassword() {
        return value("TLS_PASSWORD");
    }

    /** The PEM certificate of the CA that signed the TLS registry's certificate. */
    public Path caCertificate() {
        return Path.of(value("CA_CERT"));
    }

    /** A Docker-style {@code certs.d} directory: {@code certs.d/127.0.0.1:5001/ca.crt}. */
    public Path certsDirectory() {
        return Path.of(value("CERTS_D"));
    }

    /** {@code 127.0.0.1:5002}: plain HTTP, Bearer tokens from {@link #tokenRealm()}. */
    public String tokenRegistry() {
        return value("TOKEN_REGISTRY");
    }

    public int tokenIssuerPort() {
        return Integer.parseInt(value("TOKEN_ISSUER_PORT"));
    }

    /** {@code http://127.0.0.1:5003/token}, as the token registry's challenge names it. */
    public URI tokenRealm() {
        return URI.create(value("TOKEN_REALM"));
    }

    public String tokenService() {
        return value("TOKEN_SERVICE");
    }

    public String tokenIssuer() {
        return value("TOKEN_ISSUER");
    }

    /** The token signing key (PKCS#8 PEM). */
    public Path tokenKey() {
        return Path.of(value("TOKEN_KEY"));
    }

    /** The certificate the token registry trusts (PEM); tokens carry it in their {@code x5c} header. */
    public Path tokenCertificate() {
        return Path.of(value("TOKEN_CERT"));
    }

    /** The user the token issuer grants pull and push on every repository. */
    public String tokenUser() {
        return value("TOKEN_USER");
    }

    public String tokenPassword() {
        return value("TOKEN_PASSWORD");
    }

    /** The expected merged filesystem of {@code library/layered:latest}; see {@link #layeredExpectedEntries()}. */
    public Path layeredExpected() {
        return Path.of(value("LAYERED_EXPECTED"));
    }

    /** {@link #layeredExpected()} parsed: present entries and absent paths, in file order. */
    public List<ExpectedPath> layeredExpectedEntries() {
        try (Stream<String> lines = Files.lines(layeredExpected(), StandardCharsets.UTF_8)) {
            return lines.filter(line -> !line.isBlank() && !line.startsWith("#")).map(ExpectedPath::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + layeredExpected() + " failed", e);
        }
    }

    /** {@code library/busybox:latest} as {@code docker save} writes it (tagged {@code docker.io/library/busybox:latest}). */
    public Path busyboxDockerArchive() {
        return Path.of(value("BUSYBOX_DOCKER_ARCHIVE"));
    }

    /** {@code library/busybox:latest} as an OCI image layout in a tar (reference name {@code latest}). */
    public Path busyboxOciArchive() {
        return Path.of(value("BUSYBOX_OCI_ARCHIVE"));
    }

    /** The unpacked busybox root filesystem (shared: never write into it; copy or overlay it). */
    public Path busyboxRootfs() {
        return Path.of(value("BUSYBOX_ROOTFS"));
    }

    /** Every {@code repository:tag} the registries serve, e.g. {@code library/busybox:latest}. */
    public List<String> images() {
        return List.of(value("IMAGES").trim().split("\\s+"));
    }

    /** The socket of the test bed's dockerd, when {@code testbed/dockerd up} ran and the socket exists. */
    public Optional<Path> dockerSocket() {
        return Optional.ofNullable(values.get("DOCKER_SOCKET"))
                .filter(s -> !s.isEmpty())
                .map(s -> Path.of(s.startsWith("unix://") ? s.substring("unix://".length()) : s))
                .filter(Files::exists);
    }

    /** {@code unix:///run/stevedore-testbed/docker.sock}, for {@code DOCKER_HOST}, when {@link #dockerSocket()} is present. */
    public Optional<String> dockerHost() {
        return dockerSocket().map(path -> "unix://" + path);
    }

    /** An {@link SSLContext} that trusts {@link #caCertificate()} (and nothing else). */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(caCertificate())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("stevedore-testbed-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("loading the test bed CA " + caCertificate() + " failed: rerun `sudo testbed/up`", e);
        }
    }

    /**
     * Writes {@code dir/config.json} the way {@code docker login} would, one {@code auths} entry per
     * registry ({@code host:port} → {user, password}).
     *
     * @return the written file
     */
    public Path writeDockerConfig(Path dir, Map<String, String[]> registryToUserPassword) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode auths = root.putObject("auths");
        registryToUserPassword.forEach((registry, userPassword) -> {
            if (userPassword.length != 2) {
                throw new IllegalArgumentException("credentials for " + registry + " must be {user, password}");
            }
            String auth = Base64.getEncoder()
                    .encodeToString((userPassword[0] + ":" + userPassword[1]).getBytes(StandardCharsets.UTF_8));
            auths.putObject(registry).put("auth", auth);
        });
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("config.json");
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("writing a Docker config.json into " + dir + " failed", e);
        }
    }

    private void checkRegistriesAnswer() {
        // a registry that is down refuses at once; the time is for a cold JVM's first TLS handshake on a loaded machine
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .sslContext(sslContext())
                .build();
        expectStatus(client, "http://" + plainRegistry() + "/v2/", 200);
        expectStatus(client, "https://" + tlsRegistry() + "/v2/", 401);
        expectStatus(client, "http://" + tokenRegistry() + "/v2/", 401);
    }

    private static void expectStatus(HttpClient client, String url, int expected) {
        int status;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
            status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new AssertionError(HOW_TO_FIX + " (GET " + url + " failed: " + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while checking " + url, e);
        }
        if (status != expected) {
            throw new AssertionError(HOW_TO_FIX + " (GET " + url + " answered " + status + ", expected " + expected + ")");
        }
    }

    /**
     * One line of {@link #layeredExpected()}: {@code path type mode uid gid target}. Type {@code f}
     * (target = sha256 of the content), {@code d}, {@code l} (target = link text), {@code h} (hard
     * link; target = the path it shares an inode with), or {@code absent} (only the path counts).
     * Mode is octal including setuid/setgid/sticky bits; symlinks have 0777.
     */
    public record ExpectedPath(String path, String type, int mode, int uid, int gid, String target) {

        static ExpectedPath parse(String line) {
            String[] f = line.trim().split(" ");
            if (f.length != 6) {
                throw new IllegalArgumentException("not 6 fields: '" + line + "'");
            }
            if (f[1].equals("absent")) {
                return new ExpectedPath(f[0], f[1], -1, -1, -1, null);
            }
            return new ExpectedPath(f[0], f[1], Integer.parseInt(f[2], 8), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                    f[5].equals("-") ? null : f[5]);
        }

        public boolean absent() {
            return type.equals("absent");
        }
    }
}
