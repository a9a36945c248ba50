import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** Testcontainers' side: its documented way, on the same image from the same registry mirror. */
@Testcontainers
class TestcontainersPostgresStart {
    @Container
    static PostgreSQLContainer db = new PostgreSQLContainer(DockerImageName.parse(System.getProperty("bench.image"))
            .asCompatibleSubstituteFor("postgres"));

    @Test
    void firstQuery() throws Exception {
        try (Connection connection = DriverManager.getConnection(db.getJdbcUrl(), db.getUsername(), db.getPassword());
             ResultSet rows = connection.createStatement().executeQuery("SELECT 1")) {
            rows.next();
            assertEquals(1, rows.getInt(1));
            Harness.answeredAt = System.nanoTime();
        }
    }
}
