package com.example.shop.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import dev.stevedore.spring.ServiceConnection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.annotation.Transactional;

/** The whole application against a real PostgreSQL: the container is the DataSource's database, no properties needed. */
@SpringBootTest
@Transactional
class ReviewRepositoryTest {

    @ServiceConnection
    static PostgresContainer db = Postgres.container("127.0.0.1:5000/library/postgres:15", pg -> pg.database("reviews"));

    @Autowired
    ReviewRepository reviews;

    @Test
    void reviewsAreFoundByProduct() {
        Review saved = reviews.add("MUG-1", 5, "Keeps tea hot");
        reviews.add("ROPE-20", 3, "A bit stiff");

        assertThat(reviews.forProduct("MUG-1")).containsExactly(saved);
    }

    @Test
    void averagesAreComputedByTheDatabase() {
        reviews.add("MUG-1", 4, "Fine");
        reviews.add("MUG-1", 5, "Great");

        assertThat(reviews.averageStars("MUG-1")).hasValue(4.5);
    }

    @Test
    void theSchemasCheckIsPostgresOwn() {
        assertThatThrownBy(() -> reviews.add("MUG-1", 6, "Too good"))
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("reviews_stars_check");
    }
}
