package com.example.shop.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.junit.Container;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The plain way, without stevedore-spring-boot's annotation: a JUnit @Container and spring.datasource.* properties. */
@SpringBootTest
class DynamicPropertySourceTest {

    @Container
    static PostgresContainer db = Postgres.container("127.0.0.1:5000/library/postgres:15", pg -> pg.database("catalogue"));

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
    }

    @Autowired
    ReviewRepository reviews;

    @Autowired
    Environment environment;

    @Test
    void theApplicationUsesTheContainerThroughItsProperties() {
        reviews.add("ROPE-20", 2, "Frayed");

        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo(db.jdbcUrl());
        assertThat(db.query("SELECT current_database(), stars FROM reviews")).containsExactly(java.util.List.of("catalogue", "2"));
    }
}
