package dev.stevedore.dsl.compose;

import dev.stevedore.dsl.compose.internal.ComposeParser;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A compose file, read: the project's name, its services, networks and named volumes, with every
 * {@code ${VARIABLE}} already replaced. Made by {@link #read}; immutable.
 *
 * <p>It holds the Compose specification's common part: what {@link ComposeService} has. A key outside it is an
 * error when the file is read, naming the file, the service and the key, so a file never half works.
 *
 * @param name      the project's name: the name given to {@link #read} (as {@code docker compose -p}), else
 *                  {@code name:} of the file, else the file's directory name (lower-cased, letters, digits, {@code -} and {@code _} only, as Compose does)
 * @param directory the directory relative paths (build contexts, bind mounts, {@code env_file}) are resolved against
 * @param services  the services the active profiles enable (all those without {@code profiles:} among them), in the
 *                  file's order
 * @param networks  the networks the services use, {@code default} (the project's default network) among them when a
 *                  service joins no network by name
 * @param volumes   the named volumes declared at the top level
 */
public record ComposeProject(String name, Path directory, Map<String, ComposeService> services,
                             Map<String, ComposeNetwork> networks, Map<String, ComposeVolume> volumes) {

    /** The name of the network every service joins when it names none. */
    public static final String DEFAULT_NETWORK = "default";

    public ComposeProject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(directory, "directory");
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        networks = Collections.unmodifiableMap(new LinkedHashMap<>(networks));
        volumes = Collections.unmodifiableMap(new LinkedHashMap<>(volumes));
    }

    /**
     * Reads {@code file}. Variables come from {@code variables} first (a test's own values), then the process
     * environment, then the {@code .env} file next to the compose file.
     *
     * @param projectName the project's name, over the file's {@code name:} (as {@code -p} is); {@code null} for the
     *                    file's {@code name:} or else its directory's name
     * @throws ComposeFileException when the file cannot be read, is not valid, or uses a key that is not supported
     */
    public static ComposeProject read(Path file, @Nullable String projectName, Map<String, String> variables) {
        return ComposeParser.parse(file, projectName, variables, System.getenv());
    }

    /**
     * {@link #read(Path, String, Map)} with only the services {@code profiles} enable: those with no {@code profiles:}
     * and those with one of these ({@code *} enables all); none given, those {@code COMPOSE_PROFILES} lists
     * (comma-separated), as docker compose has it.
     *
     * @throws ComposeFileException also when an enabled service depends on one that is not, naming both
     */
    public static ComposeProject read(Path file, @Nullable String projectName, Map<String, String> variables,
                                      Collection<String> profiles) {
        return ComposeParser.parse(file, projectName, variables, System.getenv(), profiles);
    }

    /** {@link #read(Path, String, Map)} with the process environment and {@code .env} only. */
    public static ComposeProject read(Path file) {
        return read(file, null, Map.of());
    }

    /**
     * The service named {@code name}.
     *
     * @throws IllegalArgumentException naming the services there are, when none has that name
     */
    public ComposeService service(String name) {
        ComposeService service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("the compose project \"" + this.name + "\" has no service \"" + name
                    + "\"; it has " + services.keySet());
        }
        return service;
    }

    /**
     * The services in an order where each comes after those it depends on (the file's order where nothing
     * says otherwise).
     */
    public List<ComposeService> startOrder() {
        return ComposeParser.startOrder(this);
    }

    /**
     * A network of the project.
     *
     * @param internal whether its containers reach only each other ({@code internal: true})
     * @param labels   its labels
     */
    public record ComposeNetwork(boolean internal, Map<String, String> labels) {
        public ComposeNetwork {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    /**
     * A named volume of the project; its engine name is the project's name, {@code _}, and its own.
     *
     * @param labels its labels
     */
    public record ComposeVolume(Map<String, String> labels) {
        public ComposeVolume {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }
}
