package dev.stevedore.engine.internal.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link RegistryAuthenticator} asks a token server for a Bearer token with the user's credentials, against
 * a token server on loopback that speaks only what a plain HTTP server does: a {@code GET} with Basic credentials,
 * every {@code POST} answered {@code 501 Not Implemented} (as an issuer outside the test bed did) — unless it holds
 * an identity token, which only an OAuth2 server hands out and which goes as a {@code refresh_token} form post.
 */
class RegistryAuthenticatorTest {
    static final String REGISTRY = "registry.stevedore.test";
    static final String USER = "alice";
    static final String PASSWORD = "s3cret:with colon";

    @TempDir
    Path tmp;
    HttpServer issuer;
    final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startIssuer() throws IOException {
        issuer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer.createContext("/token", this::answer);
        issuer.start();
    }

    @AfterEach
    void stopIssuer() {
        issuer.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(method + " " + exchange.getRequestURI().getQuery() + " " + authorization + " " + body);
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            if (method.equals("POST") && body.contains("grant_type=refresh_token") && body.contains("refresh_token=idtok")) {
                send(exchange, 200, "{\"access_token\":\"from-refresh\",\"expires_in\":60}");
            } else if (method.equals("POST")) {
                send(exchange, 501, "<html>Not Implemented</html>");
            } else if (expected.equals(authorization)) {
                send(exchange, 200, "{\"token\":\"from-get\",\"expires_in\":60}");
            } else {
                send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private RegistryAuthenticator authenticator(String configJson) throws IOException {
        Path config = Files.createDirectories(tmp.resolve("docker-config"));
        Files.writeString(config.resolve("config.json"), configJson);
        EngineSettings settings = new EngineSettings(tmp.resolve("state"), List.of(), Set.of(), config, List.of(), Platform.host());
        return new RegistryAuthenticator(new RegistryTransport(settings), new DockerCredentials(config, List.of(), Duration.ofSeconds(5)),
                Clock.systemUTC());
    }

    private List<AuthChallenge> challenge() {
        return AuthChallenge.parse("Bearer realm=\"http://127.0.0.1:" + issuer.getAddress().getPort()
                + "/token\",service=\"" + REGISTRY + "\"");
    }

    @Test
    void passwordCredentialsGoAsBasicOnAGetAsDockerSendsThem() throws IOException {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        RegistryAuthenticator authenticator = authenticator("{\"auths\":{\"" + REGISTRY + "\":{\"auth\":\"" + auth + "\"}}}");

        String authorization = authenticator.authorization(REGISTRY, "team/app", challenge(), false, RegistryAuthenticator.PULL);

        assertThat(authorization).isEqualTo("Bearer from-get");
        assertThat(requests).singleElement().asString()
                .startsWith("GET service=" + REGISTRY + "&scope=repository:team/app:pull Basic ");
    }

    @Test
    void anIdentityTokenIsTradedThroughAnOAuth2RefreshPost() throws IOException {
        RegistryAuthenticator authenticator = authenticator("{\"auths\":{\"" + REGISTRY + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("<token>:".getBytes(StandardCharsets.UTF_8)) + "\",\"identitytoken\":\"idtok\"}}}");

        String authorization = authenticator.authorization(REGISTRY, "team/app", challenge(), false, RegistryAuthenticator.PUSH);

        assertThat(authorization).isEqualTo("Bearer from-refresh");
        assertThat(requests).singleElement().asString().startsWith("POST ")
                .contains("grant_type=refresh_token").contains("scope=repository%3Ateam%2Fapp%3Apull%2Cpush");
    }
}
