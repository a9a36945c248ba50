package dev.stevedore.spring.internal;

import dev.stevedore.spring.ContainerConnectionSource;
import java.util.Map;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsNotFoundException;

/** Asks Spring Boot's registered {@code ConnectionDetailsFactory}s about a container and registers what they answer as beans. */
final class ConnectionDetailsBeans {

    private ConnectionDetailsBeans() {
    }

    static void register(BeanDefinitionRegistry registry, String namePrefix, ContainerConnectionSource source, ClassLoader classLoader) {
        Map<Class<?>, ConnectionDetails> details;
        try {
            details = new ConnectionDetailsFactories(classLoader).getConnectionDetails(source, true);
        } catch (ConnectionDetailsNotFoundException e) {
            throw new IllegalStateException("@ServiceConnection on " + source.origin() + ": Stevedore has no connection details for a "
                    + source.type().getName() + " (it knows PostgresContainer, from stevedore-postgres); declare the field with"
                    + " a type it knows, or register a ConnectionDetailsFactory<ContainerConnectionSource, ...> in"
                    + " META-INF/spring.factories", e);
        }
        details.forEach((type, connectionDetails) -> {
            @SuppressWarnings("unchecked")
            Class<ConnectionDetails> beanType = (Class<ConnectionDetails>) type;
            RootBeanDefinition definition = new RootBeanDefinition(beanType, () -> connectionDetails);
            registry.registerBeanDefinition(namePrefix + type.getSimpleName(), definition);
        });
    }
}
