package com.example.shop.app;

import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import dev.stevedore.spring.ServiceConnection;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The database as a bean: any test that imports this gets it, started on first use and stopped with the context. */
@TestConfiguration(proxyBeanMethods = false)
public class TestDatabase {

    @Bean
    @ServiceConnection
    PostgresContainer postgres() {
        return Postgres.container("127.0.0.1:5000/library/postgres:15", pg -> pg.database("shop"));
    }
}
