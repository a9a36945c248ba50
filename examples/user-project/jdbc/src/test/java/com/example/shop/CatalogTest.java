package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.shop.Catalog.Product;
import dev.stevedore.junit.Container;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import java.math.BigDecimal;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class CatalogTest {

    // one database for the class; the image comes from the registry the team uses
    @Container
    static PostgresContainer db = Postgres.container("127.0.0.1:5000/library/postgres:15", pg -> pg
            .database("shop")
            .initScript("db/products.sql"));

    // and a fresh, empty one for every test
    @Container
    PostgresContainer scratch = Postgres.container("127.0.0.1:5000/library/postgres:15");

    private static PGSimpleDataSource dataSource(PostgresContainer postgres) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(postgres.jdbcUrl());
        dataSource.setUser(postgres.username());
        dataSource.setPassword(postgres.password());
        return dataSource;
    }

    @Test
    void findsTheInitScriptsProducts() throws SQLException {
        Catalog catalog = new Catalog(dataSource(db));

        assertThat(catalog.cheaperThan(new BigDecimal("10")))
                .containsExactly(new Product("MUG-1", "Enamel mug", new BigDecimal("9.50")));
    }

    @Test
    void refusesANegativePrice() {
        Catalog catalog = new Catalog(dataSource(db));

        assertThatThrownBy(() -> catalog.add(new Product("X", "Refund", new BigDecimal("-1"))))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("products_price_check");
    }

    @Test
    void anInstanceFieldIsAFreshDatabasePerTest() throws SQLException {
        scratch.execute("CREATE TABLE products (sku text PRIMARY KEY, title text, price numeric(10, 2))");
        Catalog catalog = new Catalog(dataSource(scratch));

        catalog.add(new Product("CUP-2", "Cup", new BigDecimal("2.00")));

        assertThat(catalog.cheaperThan(new BigDecimal("100"))).extracting(Product::sku).containsExactly("CUP-2");
        assertThat(scratch.jdbcUrl()).isNotEqualTo(db.jdbcUrl());
    }
}
