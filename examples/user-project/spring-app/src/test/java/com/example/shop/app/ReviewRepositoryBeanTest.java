package com.example.shop.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.postgres.PostgresContainer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

@SpringBootTest
@Import(TestDatabase.class)
class ReviewRepositoryBeanTest {

    @Autowired
    ReviewRepository reviews;

    @Autowired
    PostgresContainer postgres;

    @Test
    void theRepositoryWritesToTheContainerBean() {
        reviews.add("LAMP-3", 4, "Bright");

        assertThat(postgres.query("SELECT current_database(), count(*) FROM reviews WHERE sku = 'LAMP-3'"))
                .containsExactly(java.util.List.of("shop", "1"));
    }
}
