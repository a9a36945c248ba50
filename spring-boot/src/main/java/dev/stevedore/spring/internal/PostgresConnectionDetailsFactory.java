package dev.stevedore.spring.internal;

import dev.stevedore.postgres.PostgresContainer;
import dev.stevedore.spring.ContainerConnectionSource;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * A {@code PostgresContainer} as {@link JdbcConnectionDetails}. Registered in {@code META-INF/spring.factories}; it
 * answers {@code null} (not mine) for other containers and when {@code stevedore-postgres} is not on the class path.
 */
public final class PostgresConnectionDetailsFactory implements ConnectionDetailsFactory<ContainerConnectionSource, JdbcConnectionDetails> {
    private static final boolean POSTGRES_PRESENT =
            ClassUtils.isPresent("dev.stevedore.postgres.PostgresContainer", PostgresConnectionDetailsFactory.class.getClassLoader());

    @Override
    public @Nullable JdbcConnectionDetails getConnectionDetails(ContainerConnectionSource source) {
        if (!POSTGRES_PRESENT || !PostgresContainer.class.isAssignableFrom(source.type())) {
            return null;
        }
        return new Details(source);
    }

    /** Reads everything from the running container, so nothing starts before Spring Boot asks. */
    private record Details(ContainerConnectionSource source) implements JdbcConnectionDetails {
        private PostgresContainer postgres() {
            return source.container(PostgresContainer.class);
        }

        @Override
        public String getJdbcUrl() {
            return postgres().jdbcUrl();
        }

        @Override
        public String getUsername() {
            return postgres().username();
        }

        @Override
        public String getPassword() {
            return postgres().password();
        }
    }
}
