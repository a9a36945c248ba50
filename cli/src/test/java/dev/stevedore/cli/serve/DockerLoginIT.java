package dev.stevedore.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code docker login} against {@code stevedore serve} ({@code POST /auth}) for the test bed's token registry:
 * accepted credentials give docker's "Login Succeeded" and its config.json entry; a wrong password is refused with the
 * token server's 401 and docker writes nothing.
 */
@ExtendWith(SharedServe.class)
class DockerLoginIT {

    @Test
    void dockerLoginThroughServeChecksTheCredentialsWithTheRegistry(ServeEndpoint serve, @TempDir Path config) throws Exception {
        DockerCli.clientVersion();
        Testbed testbed = Testbed.get();
        TokenIssuer.ensureRunning(testbed);
        String registry = testbed.tokenRegistry();
        DockerCli docker = new DockerCli(serve.dockerHost(), config);

        DockerCli.Result wrong = docker.run("login", "-u", testbed.tokenUser(), "-p", "not-the-password", registry);
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.err()).as(wrong.toString()).contains("Error response from daemon", "401");
        assertThat(Files.exists(config.resolve("config.json")) ? Files.readString(config.resolve("config.json")) : "")
                .doesNotContain(registry);

        DockerCli.Result login = docker.run("login", "-u", testbed.tokenUser(), "-p", testbed.tokenPassword(), registry);
        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.out()).as(login.toString()).contains("Login Succeeded");
        assertThat(Files.readString(config.resolve("config.json"))).contains("\"" + registry + "\"", "\"auth\"");
    }
}
