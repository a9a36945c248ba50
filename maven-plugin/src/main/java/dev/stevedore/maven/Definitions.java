package dev.stevedore.maven;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.dsl.WaitStrategy;
import dev.stevedore.postgres.Postgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.maven.plugin.MojoExecutionException;

/**
 * Turns the POM's {@code <containers>} into DSL handles, not started, validating them first so that a mistake
 * fails the build with the container's id and the element at fault before anything runs.
 */
final class Definitions {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private Definitions() {
    }

    /** A configured container and the handle made from it. */
    record Planned(String id, ContainerHandle handle, List<Integer> ports) {
    }

    static List<Planned> of(List<ContainerConfiguration> containers, File basedir, Set<String> idsInUse)
            throws MojoExecutionException {
        if (containers == null || containers.isEmpty()) {
            throw new MojoExecutionException("stevedore:start has no <containers>: declare at least one"
                    + " <container> with an <id> and an <image> in the plugin's <configuration>");
        }
        Set<String> ids = new HashSet<>(idsInUse);
        List<Planned> planned = new ArrayList<>();
        for (ContainerConfiguration c : containers) {
            String path = "<container> " + (c.id == null ? "#" + (planned.size() + 1) : "'" + c.id + "'");
            if (c.id == null || !ID.matcher(c.id).matches()) {
                throw new MojoExecutionException(path + ": <id> must be letters, digits, '-', '_' or '.', starting"
                        + " with a letter or digit (it names the properties stevedore.<id>.*)");
            }
            if (!ids.add(c.id)) {
                throw new MojoExecutionException(path + ": the id is used twice in this project; give each"
                        + " container its own <id>");
            }
            if (c.image == null || c.image.isBlank()) {
                throw new MojoExecutionException(path + ": no <image>");
            }
            try {
                planned.add(c.postgres != null ? postgres(c, basedir, path) : container(c, path));
            } catch (RuntimeException e) {
                throw new MojoExecutionException(path + ": " + e.getMessage(), e);
            }
        }
        return planned;
    }

    private static Planned container(ContainerConfiguration c, String path) throws MojoExecutionException {
        WaitStrategy wait = wait(c.wait, c.ports, path);
        Duration timeout = duration(c.startupTimeout, path + " <startupTimeout>");
        ContainerHandle handle = Stevedore.container(c.image, spec -> {
            spec.name(c.id);
            spec.env(c.env);
            c.ports.forEach(spec::expose);
            if (!c.command.isEmpty()) {
                spec.command(c.command.toArray(String[]::new));
            }
            if (wait != null) {
                spec.waitFor(wait);
            }
            if (timeout != null) {
                spec.startupTimeout(timeout);
            }
        });
        return new Planned(c.id, handle, List.copyOf(c.ports));
    }

    private static Planned postgres(ContainerConfiguration c, File basedir, String path) throws MojoExecutionException {
        if (c.wait != null || !c.command.isEmpty()) {
            throw new MojoExecutionException(path + ": a <postgres> container is ready when a login answers and runs"
                    + " the image's server; leave out <wait> and <command>");
        }
        PostgresConfiguration p = c.postgres;
        List<Path> scripts = new ArrayList<>();
        for (String script : p.initScripts) {
            Path file = basedir.toPath().resolve(script);
            if (!Files.isRegularFile(file)) {
                throw new MojoExecutionException(path + ": init script " + script + " is not a file (looked for "
                        + file + "; paths are relative to the project's directory)");
            }
            scripts.add(file);
        }
        Duration timeout = duration(c.startupTimeout, path + " <startupTimeout>");
        ContainerHandle handle = Postgres.container(c.image, pg -> {
            pg.name(c.id);
            if (p.database != null) {
                pg.database(p.database);
            }
            if (p.username != null) {
                pg.username(p.username);
            }
            if (p.password != null) {
                pg.password(p.password);
            }
            scripts.forEach(pg::initScript);
            if (timeout != null) {
                pg.startupTimeout(timeout);
            }
            pg.container(spec -> {
                spec.env(c.env);
                c.ports.forEach(spec::expose);
            });
        });
        List<Integer> ports = new ArrayList<>(c.ports);
        if (!ports.contains(Postgres.PORT)) {
            ports.add(Postgres.PORT);
        }
        return new Planned(c.id, handle, List.copyOf(ports));
    }

    private static WaitStrategy wait(WaitConfiguration w, List<Integer> ports, String path) throws MojoExecutionException {
        if (w == null) {
            return null;
        }
        int chosen = (w.log != null ? 1 : 0) + (w.ports ? 1 : 0) + (w.http != null ? 1 : 0) + (w.command.isEmpty() ? 0 : 1);
        if (chosen != 1) {
            throw new MojoExecutionException(path + " <wait>: set exactly one of <log>, <ports>, <http> or <command>"
                    + " (found " + chosen + ")");
        }
        if (w.log != null) {
            return Wait.logMessage(w.log).times(w.times);
        }
        if (w.ports || w.http != null) {
            if (ports.isEmpty()) {
                throw new MojoExecutionException(path + " <wait>: waiting on ports needs <ports> to publish");
            }
        }
        if (w.ports) {
            return Wait.port(ports.stream().mapToInt(Integer::intValue).toArray());
        }
        if (w.http != null) {
            return Wait.http(w.http).port(w.httpPort != null ? w.httpPort : ports.get(0));
        }
        return Wait.command(w.command.toArray(String[]::new));
    }

    /** {@code 90s}, {@code 2m}, {@code 500ms} or ISO-8601; {@code null} for none. */
    static Duration duration(String text, String path) throws MojoExecutionException {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new MojoExecutionException(path + ": '" + text + "' is not a duration; write 90s, 2m, 500ms or PT90S");
        }
    }
}
