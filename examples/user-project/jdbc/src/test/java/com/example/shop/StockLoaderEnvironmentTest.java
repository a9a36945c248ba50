package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.junit.Container;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two containers on a network of their own: the database, and a loader that reaches it by its name (as a batch job
 * of the shop would) once it is ready. The test then reads through JDBC from the host what the loader wrote.
 */
class StockLoaderEnvironmentTest {
    private static final String POSTGRES = "127.0.0.1:5000/library/postgres:15";

    @Container
    static Environment shop = Stevedore.environment(e -> {
        var backend = e.network("backend");
        var db = e.container("db", Postgres.service(), pg -> pg
                .image(POSTGRES)
                .database("shop")
                .initScript("db/products.sql")
                .network(backend));
        e.container("loader", POSTGRES, c -> c
                .network(backend)
                .dependsOn(db)
                .env("PGPASSWORD", db.password())
                .command("sh", "-c", "psql -v ON_ERROR_STOP=1 -h db -U test -d shop"
                        + " -c \"INSERT INTO products VALUES ('LAMP-3', 'Storm lamp', 27.00)\" && echo loaded"
                        + " && exec sleep 3600")
                .waitFor(Wait.logMessage("^loaded$")));
    });

    @Test
    void theLoaderReachedTheDatabaseByItsName(PostgresContainer db) {
        List<List<String>> rows = db.query("SELECT sku FROM products ORDER BY sku");

        assertThat(rows).containsExactly(List.of("LAMP-3"), List.of("MUG-1"), List.of("ROPE-20"));
    }

    @Test
    void theLoaderRanItsStatementOnce() {
        assertThat(shop.container("loader").logText()).containsOnlyOnce("INSERT 0 1");
    }
}
