package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The test bed's {@code postgres:15} as a user runs it: started through the engine API as the image's
 * {@code postgres} user, published on a free loopback port, waited for by its log (the entrypoint's setup server
 * says it is ready, then the real one), and asked real SQL over pgjdbc from the host; then stopped with the
 * image's stop signal, which postgres answers with a clean shutdown.
 */
public abstract class PostgresContract extends EngineContract {
    private static final String READY = "database system is ready to accept connections";
    private static final String PASSWORD = "contract-secret";

    /** {@code 127.0.0.1:5000/library/postgres:15}. */
    protected static String postgresImage() {
        return Testbed.get().plainRegistry() + "/library/postgres:15";
    }

    @Test
    void postgresAsThePostgresUserAnswersJdbcOnItsPublishedLoopbackPort() throws Exception {
        ContainerInfo postgres = started(ContainerSpec.builder(postgresImage()).user("postgres")
                .env("POSTGRES_PASSWORD", PASSWORD).env("POSTGRES_DB", "shop")
                .port(PortBinding.loopback(5432)).label(RUN_LABEL, run));

        assertThat(readyLinesUntilTheSecond(postgres.id())).as("\"%s\" lines: the setup server's, then the real one's", READY)
                .isEqualTo(2);
        PortBinding published = singleBinding(postgres.id(), 5432);
        assertThat(published.hostIp()).isEqualTo("127.0.0.1");
        assertThat(published.hostPort()).isPositive();

        String url = "jdbc:postgresql://127.0.0.1:" + published.hostPort() + "/shop";
        try (Connection connection = connect(url)) {
            assertThat(query(connection, "select current_user, current_database(), inet_server_port()"))
                    .containsExactly("postgres shop 5432");
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table orders (id int primary key, item text not null)");
                statement.execute("insert into orders values (1, 'crate'), (2, 'pallet')");
            }
            assertThat(query(connection, "select id, item from orders order by id")).containsExactly("1 crate", "2 pallet");
        }

        // the image has no ps: /proc/1 names the first process and (as the owner of its directory) its user
        ExecResult first = engine.exec(postgres.id(), ExecSpec.of("sh", "-c", "echo $(cat /proc/1/comm) $(stat -c %U /proc/1) $(id -un)"));
        assertThat(first.stdout().trim()).as(first.stderr()).isEqualTo("postgres postgres postgres");

        engine.stopContainer(postgres.id(), Duration.ofSeconds(20));

        ContainerState stopped = engine.inspectContainer(postgres.id()).state();
        assertThat(stopped.running()).isFalse();
        assertThat(stopped.exitCode()).as("postgres shuts down cleanly on its stop signal (SIGINT)").isZero();
        assertThat(logTexts(postgres.id())).anyMatch(line -> line.contains("database system is shut down"));
    }

    /** Follows the logs until the second ready line (or the end of the container), counting ready lines. */
    private int readyLinesUntilTheSecond(String container) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (ContainerLogs logs = engine.logs(container, LogOptions.all().following())) {
                return (int) logs.lines().map(LogLine::text).filter(line -> line.contains(READY)).limit(2).count();
            }
        }, () -> "postgres did not log \"" + READY + "\" twice within 60 s; its log: " + logTexts(container));
    }

    /**
     * A connection as the postgres user. The second ready line means the server listens, but the loopback proxy
     * in front of it (dockerd's or the embedded engine's) is checked too, so a refused first try is a failure.
     */
    private static Connection connect(String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(url, properties);
    }

    /** The rows of {@code sql}, each as its columns joined by spaces. */
    private static List<String> query(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? " " : "").append(result.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
