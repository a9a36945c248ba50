import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stevedore.junit.Container;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** Stevedore's side: what the design's user writes. */
class StevedorePostgresStart {
    @Container
    static PostgresContainer db = Postgres.container("postgres:15");

    @Test
    void firstQuery() throws Exception {
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             ResultSet rows = connection.createStatement().executeQuery("SELECT 1")) {
            rows.next();
            assertEquals(1, rows.getInt(1));
            Harness.answeredAt = System.nanoTime();
        }
    }
}
