package dev.stevedore.apitest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.apitest.dsl.ItEngine;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ready-made PostgreSQL on a real engine, the test bed's postgres:15 (the image users name, from the mirror). */
class PostgresIT {
    private static PostgresContainer db;

    @BeforeAll
    static void start() throws java.io.IOException {
        ContainerEngine engine = ItEngine.get();
        emptyTheDataDirectoryCache();
        long started = System.nanoTime();
        db = Postgres.container("postgres:15", pg -> pg.database("shop").username("app").password("s3cret")
                .initScript("it/schema.sql")).start(engine);
        System.out.printf("postgres:15 ready (logged in from the host) in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    /** The build gives the ITs a cache of their own (stevedore.postgres.cache); this class starts from an empty one. */
    private static void emptyTheDataDirectoryCache() throws java.io.IOException {
        String cache = System.getProperty("stevedore.postgres.cache");
        if (cache == null || cache.isBlank()) {
            throw new AssertionError("the build sets stevedore.postgres.cache for the ITs; run them through Maven");
        }
        java.nio.file.Path dir = java.nio.file.Path.of(cache);
        if (java.nio.file.Files.isDirectory(dir)) {
            try (var entries = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path entry : (Iterable<java.nio.file.Path>) entries::iterator) {
                    java.nio.file.Files.delete(entry);
                }
            }
        }
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
        long[] restores = new long[5];
        for (int i = 0; i < restores.length; i++) { // a snapshot can be restored again and again
            db.execute("INSERT INTO ledger VALUES (" + (10 + i) + ")");
            long before = System.nanoTime();
            db.restore("two-rows");
            restores[i] = (System.nanoTime() - before) / 1_000;
            assertThat(db.query("SELECT count(*) FROM ledger")).containsExactly(List.of("2"));
        }
        java.util.Arrays.sort(restores);
        System.out.printf("snapshot %d ms, first restore %d ms, then restores: median %.1f ms (min %.1f, max %.1f)%n",
                (t1 - t0) / 1_000_000, (t3 - t2) / 1_000_000, restores[2] / 1000.0, restores[0] / 1000.0, restores[4] / 1000.0);
    }

    @Test
    void aSecondStartOfTheSameConfigurationBeginsFromTheCachedDataDirectory() {
        // the class's container filled the cache (the build points it at target/): the same configuration now starts from it
        PostgresContainer again = Postgres.container("postgres:15", pg -> pg.database("shop").username("app").password("s3cret")
                .initScript("it/schema.sql"));
        long started = System.nanoTime();
        try (PostgresContainer second = again.start(ItEngine.get())) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(second.startedFromCache()).isTrue();
            assertThat(second.query("SELECT name FROM item ORDER BY id")).containsExactly(List.of("anchor"), List.of("rope"));
            assertThat(second.logText()).contains("initialization skipped").doesNotContain("running /docker-entrypoint-initdb.d");
            System.out.printf("postgres:15 from the cached data directory ready in %d ms%n", millis);
        }
        assertThat(db.startedFromCache()).as("the first start of a configuration initializes").isFalse();
    }

    @Test
    void aQueryAnswersTheLastStatementsRowsAsText() {
        assertThat(db.query("SELECT 1; SELECT NULL::text, 2.5::numeric, true, 'a''b'"))
                .containsExactly(java.util.Arrays.asList(null, "2.5", "t", "a'b"));
        assertThat(db.query("SELECT 1; CREATE TEMP TABLE t (n int)")).isEmpty();
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
