package dev.stevedore.engine.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryLoginResult;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checking a login with the test bed's Basic-auth (TLS) and token registries, by the embedded engine's registry client
 * and by dockerd's {@code POST /auth} (the Docker backend), for the same credentials: both accept the right password
 * with "Login Succeeded" and refuse a wrong one as an authentication failure naming the registry.
 */
class RegistryLoginIT {
    private final Testbed bed = Testbed.get();
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"embedded,tls", "embedded,token", "docker,tls", "docker,token"})
    void acceptsTheRightPasswordAndRefusesAWrongOne(String engine, String kind) {
        TokenIssuer.ensureRunning(bed);
        String registry = kind.equals("tls") ? bed.tlsRegistry() : bed.tokenRegistry();
        String user = kind.equals("tls") ? bed.tlsUser() : bed.tokenUser();
        String password = kind.equals("tls") ? bed.tlsPassword() : bed.tokenPassword();
        EngineSettings settings = new EngineSettings(tmp.resolve("state"), List.of(), Set.of(), tmp.resolve("docker-config"),
                List.of(bed.certsDirectory()), Platform.host());
        if (engine.equals("embedded")) {
            try (RegistryClient client = new RegistryClient(settings)) {
                check(client::login, registry, user, password);
            }
        } else {
            Path socket = bed.dockerSocket().orElseThrow(() -> new AssertionError("the test bed's dockerd is not up"));
            try (ContainerEngine docker = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), settings)) {
                check(docker::login, registry, user, password);
            }
        }
        assertThat(tmp.resolve("docker-config/config.json")).as("a check stores nothing").doesNotExist();
    }

    private interface Login {
        RegistryLoginResult login(String server, String user, String password);
    }

    private static void check(Login login, String registry, String user, String password) {
        RegistryLoginResult ok = login.login(registry, user, password);
        assertThat(ok.status()).isEqualTo("Login Succeeded");
        assertThatThrownBy(() -> login.login(registry, user, password + "-wrong"))
                .isInstanceOf(RegistryAuthenticationException.class)
                .hasMessageContaining(registry)
                .satisfies(e -> assertThat(((RegistryAuthenticationException) e).status()).isEqualTo(401));
    }
}
