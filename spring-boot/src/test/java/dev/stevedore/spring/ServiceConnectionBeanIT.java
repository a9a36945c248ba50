package dev.stevedore.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import dev.stevedore.spring.internal.ServiceConnectionAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** A {@code @Bean @ServiceConnection} PostgreSQL as the auto-configured DataSource's database, through the real auto-configurations. */
class ServiceConnectionBeanIT {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            // listed last on purpose: the auto-configurations' own order must put ours first
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    ServiceConnectionAutoConfiguration.class))
            // would win if our details were not there
            .withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nowhere");

    @Configuration(proxyBeanMethods = false)
    static class Databases {
        @Bean
        @ServiceConnection
        PostgresContainer shopDatabase() {
            return Postgres.container("postgres:15", pg -> pg.database("shop").username("clerk"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UnmarkedDatabase {
        @Bean
        PostgresContainer plain() {
            return Postgres.container("postgres:15");
        }
    }

    @Test
    void theDataSourceTalksToTheContainerBeanWhichStopsWithTheContext() {
        PostgresContainer[] seen = new PostgresContainer[1];
        runner.withUserConfiguration(Databases.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JdbcConnectionDetails.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

            assertThat(jdbc.queryForObject("SELECT current_database() || ' ' || current_user", String.class)).isEqualTo("shop clerk");
            seen[0] = context.getBean(PostgresContainer.class);
            assertThat(seen[0].isRunning()).isTrue();
            assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl()).isEqualTo(seen[0].jdbcUrl());
        });
        assertThat(seen[0].isRunning()).isFalse();
    }

    @Test
    void theContainerStartsWhenAConnectionDetailIsFirstRead() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class))
                .withUserConfiguration(Databases.class)
                .run(context -> {
                    PostgresContainer db = context.getBean(PostgresContainer.class);
                    JdbcConnectionDetails details = context.getBean(JdbcConnectionDetails.class);
                    assertThat(db.isRunning()).isFalse();

                    assertThat(details.getUsername()).isEqualTo("clerk");

                    assertThat(db.isRunning()).isTrue();
                });
    }

    @Test
    void aContainerBeanWithoutTheAnnotationIsNotTheDataSourcesDatabase() {
        runner.withUserConfiguration(UnmarkedDatabase.class).run(context -> {
            assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/nowhere");
            assertThat(context.getBean(PostgresContainer.class).isRunning()).isFalse();
        });
    }
}
