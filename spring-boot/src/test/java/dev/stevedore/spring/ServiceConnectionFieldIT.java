package dev.stevedore.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestContextManager;

/**
 * A static {@code @ServiceConnection} field of a Spring test class, through spring-test's own machinery
 * ({@link TestContextManager}, as the SpringExtension drives it): the context's DataSource uses the container, which
 * starts when the context is made and stops when it closes, unless it was already running.
 */
class ServiceConnectionFieldIT {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class})
    static class Application {
    }

    @ContextConfiguration(classes = Application.class)
    static class ShopTest {
        @ServiceConnection
        static PostgresContainer db = Postgres.container("postgres:15", pg -> pg.database("shop"));
    }

    @ContextConfiguration(classes = Application.class)
    static class AlreadyRunningTest {
        @ServiceConnection
        static PostgresContainer db = Postgres.container("postgres:15", pg -> pg.database("ledger"));
    }

    @Test
    void theContextsDataSourceUsesTheFieldsContainerWhichStopsWithTheContext() throws Exception {
        TestContextManager manager = new TestContextManager(ShopTest.class);
        assertThat(ShopTest.db.isRunning()).isFalse();

        ApplicationContext context = manager.getTestContext().getApplicationContext();

        assertThat(ShopTest.db.isRunning()).isTrue();
        assertThat(context.getBean(JdbcTemplate.class).queryForObject("SELECT current_database()", String.class)).isEqualTo("shop");
        manager.getTestContext().markApplicationContextDirty(null);
        assertThat(ShopTest.db.isRunning()).isFalse();
    }

    @Test
    void aContainerStartedBeforeTheContextIsLeftToWhoeverStartedIt() throws Exception {
        try (PostgresContainer db = AlreadyRunningTest.db.start()) {
            TestContextManager manager = new TestContextManager(AlreadyRunningTest.class);
            ApplicationContext context = manager.getTestContext().getApplicationContext();
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("SELECT current_database()", String.class)).isEqualTo("ledger");

            manager.getTestContext().markApplicationContextDirty(null);

            assertThat(db.isRunning()).isTrue();
        }
    }
}
