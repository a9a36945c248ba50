package dev.stevedore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import dev.stevedore.spring.internal.ServiceConnectionContextCustomizerFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestContextManager;

/** What a user who gets @ServiceConnection wrong is told; no container is started. */
class ServiceConnectionMisuseTest {
    private final ServiceConnectionContextCustomizerFactory factory = new ServiceConnectionContextCustomizerFactory();

    static class InstanceField {
        @ServiceConnection
        PostgresContainer db = Postgres.container("postgres:15");
    }

    static class NullField {
        @ServiceConnection
        static PostgresContainer db;
    }

    static class WithoutAnnotation {
        static PostgresContainer db = Postgres.container("postgres:15");
    }

    static class Plain {
        @ServiceConnection
        static PostgresContainer db = Postgres.container("postgres:15");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(DataSourceAutoConfiguration.class)
    static class Application {
    }

    @ContextConfiguration(classes = Application.class)
    static class UnknownService {
        @ServiceConnection
        static ContainerHandle web = Stevedore.container("busybox");
    }

    @Test
    void anInstanceFieldIsRefusedByName() {
        assertThatThrownBy(() -> factory.createContextCustomizer(InstanceField.class, List.of()))
                .hasMessageContaining("InstanceField.db")
                .hasMessageContaining("must be static");
    }

    @Test
    void aNullFieldIsRefusedByName() {
        assertThatThrownBy(() -> factory.createContextCustomizer(NullField.class, List.of()))
                .hasMessageContaining("NullField.db")
                .hasMessageContaining("holds null");
    }

    @Test
    void aClassWithoutTheAnnotationIsLeftAlone() {
        assertThat(factory.createContextCustomizer(WithoutAnnotation.class, List.of())).isNull();
    }

    @Test
    void theSameContainersMakeEqualCustomizersSoTheContextIsCached() {
        assertThat(factory.createContextCustomizer(Plain.class, List.of()))
                .isEqualTo(factory.createContextCustomizer(Plain.class, List.of()))
                .hasSameHashCodeAs(factory.createContextCustomizer(Plain.class, List.of()));
    }

    @Test
    void aContainerOfAServiceWithoutConnectionDetailsIsRefusedByName() {
        TestContextManager manager = new TestContextManager(UnknownService.class);

        assertThatThrownBy(() -> manager.getTestContext().getApplicationContext())
                .hasStackTraceContaining("@ServiceConnection on field UnknownService.web: Stevedore has no connection details"
                        + " for a dev.stevedore.dsl.ContainerHandle");
    }
}
