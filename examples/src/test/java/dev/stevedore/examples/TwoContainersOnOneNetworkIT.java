package dev.stevedore.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.junit.Container;
import org.junit.jupiter.api.Test;

/**
 * Two containers on one private network, talking by alias: a web server, and a client that fetches a page from it
 * by the server's name. The environment starts the client only once the server answers.
 */
class TwoContainersOnOneNetworkIT {

    @Container
    static Environment env = Stevedore.environment(e -> {
        var backend = e.network("backend");
        var web = e.container("web", "busybox", c -> c
                .network(backend, "pages")
                .file("/www/greeting.txt", "ahoy from web\n")
                .command("httpd", "-f", "-p", "8080", "-h", "/www")
                .waitFor(Wait.command("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/greeting.txt")));
        e.container("client", "busybox", c -> c
                .network(backend)
                .dependsOn(web)
                // the client asks by the server's name once at start, and logs what it got
                .command("sh", "-c", "wget -q -O - http://web:8080/greeting.txt; exec sleep 3600")
                .waitFor(Wait.logMessage("ahoy")));
    });

    @Test
    void theClientReachedTheServerByItsName(ContainerHandle client) {
        assertThat(client.logText()).contains("ahoy from web");
    }

    @Test
    void theServerAnswersToItsAliasToo(ContainerHandle client) {
        ExecResult result = client.exec("wget", "-q", "-O", "-", "http://pages:8080/greeting.txt");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("ahoy from web\n");
    }

    @Test
    void nothingOutsideTheNetworkCanBeReachedByThatName() {
        try (ContainerHandle outsider = Stevedore.container("busybox", c -> c.command("sleep", "3600")).start()) {
            ExecResult result = outsider.exec("wget", "-q", "-T", "2", "-O", "-", "http://web:8080/greeting.txt");
            assertThat(result.exitCode()).isNotZero();
        }
    }
}
