package dev.stevedore.apitest.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.Postgres;
import dev.stevedore.dsl.PostgresContainer;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ready-made PostgreSQL on a real engine, the test bed's postgres:15 (the image users name, from the mirror). */
class PostgresIT {
    private static PostgresContainer db;

    @BeforeAll
    static void start() {
        ContainerEngine engine = ItEngine.get();
        long started = System.nanoTime();
        db = Postgres.container("postgres:15", pg -> pg.database("shop").username("app").password("s3cret")
                .initScript("it/schema.sql")).start(engine);
        System.out.printf("postgres:15 ready (logged in from the host) in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.stop();
        }
    }

    @Test
    void theInitScriptRanAndTheDatabaseAnswersFromTheHost() {
        assertThat(db.query("SELECT name FROM item ORDER BY id")).containsExactly(List.of("anchor"), List.of("rope"));
        assertThat(db.query("SELECT current_user, current_database()")).containsExactly(List.of("app", "shop"));
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + db.port() + "/shop");
    }

    @Test
    void aRestoreBringsBackTheSnapshotInMilliseconds() {
        db.execute("CREATE TABLE IF NOT EXISTS ledger (n int)");
        db.execute("DELETE FROM ledger; INSERT INTO ledger VALUES (1), (2)");
        long t0 = System.nanoTime();
        db.snapshot("two-rows");
        long t1 = System.nanoTime();
        db.execute("INSERT INTO ledger VALUES (3); DELETE FROM item");
        assertThat(db.query("SELECT count(*) FROM ledger")).containsExactly(List.of("3"));
        long t2 = System.nanoTime();
        db.restore("two-rows");
        long t3 = System.nanoTime();
        assertThat(db.query("SELECT count(*) FROM ledger")).containsExactly(List.of("2"));
        assertThat(db.query("SELECT count(*) FROM item")).containsExactly(List.of("2"));
        db.restore("two-rows"); // a snapshot can be restored again and again
        assertThat(db.query("SELECT count(*) FROM ledger")).containsExactly(List.of("2"));
        System.out.printf("snapshot %d ms, restore %d ms%n", (t1 - t0) / 1_000_000, (t3 - t2) / 1_000_000);
    }

    @Test
    void restoringASnapshotThatWasNeverTakenSaysSo() {
        assertThatThrownBy(() -> db.restore("never-taken"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no snapshot \"never-taken\"");
    }

    @Test
    void sqlErrorsCarryPostgresMessage() {
        assertThatThrownBy(() -> db.execute("SELECT * FROM no_such_table"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("42P01")
                .hasMessageContaining("no_such_table");
    }
}
