package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The test bed's postgres:15 (Debian's postgresql-15, an official-image-like entrypoint) runs as it does under Docker. */
class ContainerPostgresIT extends ContainerTestBase {
    private static final String READY = "database system is ready to accept connections";

    @Test
    void postgresStartsAsThePostgresUserLogsReadyTwiceAndAnswersQueries() {
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(ContainerTestbed.image("postgres:15"))
                .env("POSTGRES_PASSWORD", "x").build());
        try {
            AtomicInteger ready = new AtomicInteger();
            try (ContainerLogs logs = engine.logs(info.id(), LogOptions.all().following())) {
                // the entrypoint's setup server says it once, the real server the second time
                assertThat(logs.lines().map(LogLine::text).filter(line -> line.contains(READY))
                        .peek(line -> ready.incrementAndGet()).limit(2).count())
                        .as("\"%s\" lines before postgres ended", READY).isEqualTo(2);
            }
            assertThat(engine.inspectContainer(info.id()).state().running()).isTrue();

            // the image has no ps: /proc tells the first process's name and (as the owner of its directory) its user
            ExecResult first = engine.exec(info.id(), ExecSpec.of("sh", "-c", "echo $(cat /proc/1/comm) $(stat -c %U /proc/1)"));
            assertThat(first.stdout().trim()).as(first.stderr()).isEqualTo("postgres postgres");
            ExecResult query = engine.exec(info.id(), ExecSpec.of("psql", "-U", "postgres", "-tAc", "select 6 * 7")
                    .withUser("postgres").withTimeout(Duration.ofSeconds(20)));
            assertThat(query.stdout().trim()).as(query.stderr()).isEqualTo("42");
            assertThat(engine.exec(info.id(), ExecSpec.of("id", "-un").withUser("postgres")).stdout()).isEqualTo("postgres\n");

            engine.stopContainer(info.id(), Duration.ofSeconds(20));
            ContainerState state = engine.inspectContainer(info.id()).state();
            assertThat(state.exitCode()).as("postgres shuts down cleanly on its STOPSIGNAL (SIGINT)").isZero();
            assertThat(ContainerTestbed.lines(engine, info.id())).anyMatch(line -> line.contains("database system is shut down"));
        } finally {
            engine.removeContainer(info.id(), true);
        }
    }
}
