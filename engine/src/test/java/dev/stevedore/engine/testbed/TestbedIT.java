package dev.stevedore.engine.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the test bed works, with plain HTTP calls, before anything of Stevedore's is involved. */
class TestbedIT {

    private static final String MANIFEST_TYPES = String.join(",",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private static Testbed testbed;
    private static TokenIssuer issuer;
    private static HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void testbedIsUp() {
        testbed = Testbed.get();
        issuer = TokenIssuer.ensureRunning(testbed);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(testbed.sslContext()).build();
    }

    @Test
    void plainRegistryAnswersWithoutCredentials() throws Exception {
        assertThat(get("http://" + testbed.plainRegistry() + "/v2/", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void tlsRegistryDemandsBasicCredentialsAndAcceptsTheTestbedUser() throws Exception {
        HttpResponse<byte[]> anonymous = get("https://" + testbed.tlsRegistry() + "/v2/", Map.of());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));

        assertThat(get("https://" + testbed.tlsRegistry() + "/v2/", basic(testbed.tlsUser(), testbed.tlsPassword())).statusCode())
                .isEqualTo(200);
        assertThat(get("https://" + testbed.tlsRegistry() + "/v2/", basic(testbed.tlsUser(), "wrong")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void tlsCertificateIsInTheDockerStyleCertsDirectory() throws Exception {
        Path ca = testbed.certsDirectory().resolve(testbed.tlsRegistry()).resolve("ca.crt");
        assertThat(ca).exists();
        assertThat(Files.readString(ca)).isEqualTo(Files.readString(testbed.caCertificate()));
    }

    @Test
    void tokenRegistryChallengesWithBearerRealm() throws Exception {
        HttpResponse<byte[]> response = get("http://" + testbed.tokenRegistry() + "/v2/", Map.of());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
                .startsWith("Bearer ")
                .contains("realm=\"" + testbed.tokenRealm() + "\"")
                .contains("service=\"" + testbed.tokenService() + "\""));
    }

    @Test
    void anonymousTokenPullsPublicBusyboxFromTokenRegistry() throws Exception {
        String token = token("repository:library/busybox:pull", Map.of());
        HttpResponse<byte[]> manifest = manifest(testbed.tokenRegistry(), "library/busybox", "latest", bearer(token));
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).hasValueSatisfying(d -> assertThat(d).startsWith("sha256:"));
    }

    @Test
    void anonymousTokenDoesNotPullPrivateImages() throws Exception {
        for (String repository : List.of("library/postgres", "library/layered")) {
            String token = token("repository:" + repository + ":pull", Map.of());
            int status = manifest(testbed.tokenRegistry(), repository, "latest", bearer(token)).statusCode();
            assertThat(status).as("anonymous pull of %s", repository).isIn(401, 403);
        }
    }

    @Test
    void tokenUserGetsPullAndPushOnPrivateImages() throws Exception {
        // delete too: distribution maps cancelling an upload (DELETE) to the delete action.
        String token = token("repository:library/layered:pull,push,delete", basic(testbed.tokenUser(), testbed.tokenPassword()));
        assertThat(manifest(testbed.tokenRegistry(), "library/layered", "latest", bearer(token)).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> upload = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + testbed.tokenRegistry() + "/v2/library/layered/blobs/uploads/"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(upload.statusCode()).isEqualTo(202);
        String location = upload.headers().firstValue("Location").orElseThrow();
        URI uploadUri = URI.create("http://" + testbed.tokenRegistry()).resolve(location);
        int cancelled = http.send(HttpRequest.newBuilder(uploadUri).header("Authorization", "Bearer " + token).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(cancelled).isEqualTo(204);
    }

    @Test
    void wrongCredentialsGet401WithJsonErrorFromIssuer() throws Exception {
        HttpResponse<byte[]> response = get(tokenUrl("repository:library/busybox:pull"), basic(testbed.tokenUser(), "wrong"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json.readTree(response.body()).path("errors").get(0).path("code").asText()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void oauthPasswordGrantIssuesTokensUnderTheSamePolicy() throws Exception {
        String form = "grant_type=password&service=" + enc(testbed.tokenService())
                + "&scope=" + enc("repository:library/layered:pull")
                + "&username=" + enc(testbed.tokenUser()) + "&password=" + enc(testbed.tokenPassword())
                + "&client_id=stevedore-tests";
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(testbed.tokenRealm())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        String token = json.readTree(response.body()).path("access_token").asText();
        assertThat(manifest(testbed.tokenRegistry(), "library/layered", "latest", bearer(token)).statusCode()).isEqualTo(200);

        String wrong = form.replace(enc(testbed.tokenPassword()), "wrong");
        assertThat(http.send(HttpRequest.newBuilder(testbed.tokenRealm())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(wrong))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
    }

    @Test
    void tokensAreRs256JwtsWithTheCertificateInX5c() throws Exception {
        String token = token("repository:library/busybox:pull", Map.of());
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("x5c").size()).isEqualTo(1);
        assertThat(claims.path("iss").asText()).isEqualTo(testbed.tokenIssuer());
        assertThat(claims.path("aud").asText()).isEqualTo(testbed.tokenService());
        assertThat(claims.path("exp").asLong()).isGreaterThan(claims.path("iat").asLong());
        assertThat(claims.path("access").get(0).path("actions").get(0).asText()).isEqualTo("pull");
    }

    @Test
    void issuerCountsTheTokensItIssues() throws Exception {
        int before = issuer.tokensIssued();
        token("repository:library/multiarch:pull", Map.of());
        assertThat(issuer.tokensIssued()).isGreaterThan(before);
    }

    @Test
    void everyImageHasAManifestOnThePlainRegistry() throws Exception {
        assertThat(testbed.images()).contains("library/busybox:latest", "library/layered:latest", "library/multiarch:latest");
        for (String image : testbed.images()) {
            String repository = image.substring(0, image.lastIndexOf(':'));
            String tag = image.substring(image.lastIndexOf(':') + 1);
            assertThat(manifest(testbed.plainRegistry(), repository, tag, Map.of()).statusCode()).as(image).isEqualTo(200);
        }
    }

    @Test
    void registriesShareOneStorage() throws Exception {
        String plain = manifest(testbed.plainRegistry(), "library/busybox", "latest", Map.of())
                .headers().firstValue("Docker-Content-Digest").orElseThrow();
        String tls = manifest(testbed.tlsRegistry(), "library/busybox", "latest", basic(testbed.tlsUser(), testbed.tlsPassword()))
                .headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertThat(tls).isEqualTo(plain);
    }

    @Test
    void imageFilesAndListingsExist() {
        assertThat(testbed.busyboxDockerArchive()).isRegularFile();
        assertThat(testbed.busyboxOciArchive()).isRegularFile();
        assertThat(testbed.busyboxRootfs().resolve("bin/busybox")).isExecutable();
        assertThat(testbed.busyboxRootfs().resolve("bin/sh")).isSymbolicLink();
        List<Testbed.ExpectedPath> expected = testbed.layeredExpectedEntries();
        assertThat(expected).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("/modes/setuid");
            assertThat(e.mode()).isEqualTo(04755);
        });
        assertThat(expected).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("/olddir");
            assertThat(e.absent()).isTrue();
        });
    }

    @Test
    void dockerConfigCarriesBase64Credentials(@TempDir Path dir) throws Exception {
        Path config = testbed.writeDockerConfig(dir, Map.of(testbed.tlsRegistry(), new String[] {"user", "pass:word"}));
        JsonNode auth = json.readTree(config.toFile()).path("auths").path(testbed.tlsRegistry()).path("auth");
        assertThat(new String(Base64.getDecoder().decode(auth.asText()), StandardCharsets.UTF_8)).isEqualTo("user:pass:word");
    }

    private String token(String scope, Map<String, String> headers) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(tokenUrl(scope), headers);
        assertThat(response.statusCode()).as("token for %s", scope).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.path("expires_in").asInt()).isEqualTo(300);
        assertThat(body.path("access_token").asText()).isEqualTo(body.path("token").asText());
        return body.path("token").asText();
    }

    private String tokenUrl(String scope) {
        return testbed.tokenRealm() + "?service=" + enc(testbed.tokenService()) + "&scope=" + enc(scope);
    }

    private HttpResponse<byte[]> manifest(String registry, String repository, String reference, Map<String, String> headers)
            throws IOException, InterruptedException {
        String scheme = registry.equals(testbed.tlsRegistry()) ? "https" : "http";
        return get(scheme + "://" + registry + "/v2/" + repository + "/manifests/" + reference,
                merge(headers, Map.of("Accept", MANIFEST_TYPES)));
    }

    private static HttpResponse<byte[]> get(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        var merged = new java.util.HashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
