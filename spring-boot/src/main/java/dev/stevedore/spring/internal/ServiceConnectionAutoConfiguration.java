package dev.stevedore.spring.internal;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/**
 * Turns {@code @Bean @ServiceConnection} Stevedore containers into connection details beans. First of the
 * auto-configurations: {@code DataSourceAutoConfiguration} must find the details registered when it decides whether
 * to make its own from {@code spring.datasource.*}.
 */
@AutoConfiguration
@AutoConfigureOrder(Ordered.HIGHEST_PRECEDENCE)
@Import(ServiceConnectionBeanRegistrar.class)
public class ServiceConnectionAutoConfiguration {
}
