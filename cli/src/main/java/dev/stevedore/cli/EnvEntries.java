package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Environment entries as {@code docker run -e} and {@code --env-file} take them: {@code KEY=value} as
 * given, a bare {@code KEY} copied from the command's own environment (and dropped when unset there).
 */
final class EnvEntries {
    private EnvEntries() {
    }

    /**
     * {@code entry} as {@code KEY=value}; empty for a bare {@code KEY} that {@code environment} does not set.
     *
     * @throws IllegalArgumentException when the name is empty or contains white space
     */
    static Optional<String> entry(String entry, UnaryOperator<String> environment) {
        int equals = entry.indexOf('=');
        String key = equals < 0 ? entry : entry.substring(0, equals);
        if (key.isEmpty() || !key.equals(key.strip()) || key.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("environment entry \"" + entry + "\" is not KEY=VALUE or KEY");
        }
        if (equals >= 0) {
            return Optional.of(entry);
        }
        return Optional.ofNullable(environment.apply(key)).map(value -> key + "=" + value);
    }

    /**
     * The entries of an env file: one per line; blank lines and lines starting with {@code #} skipped;
     * values taken literally (no quotes removed, as Docker does).
     */
    static List<String> file(Path file, UnaryOperator<String> environment) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ContainerEngineException("reading the env file " + file + " failed: no such file — check the --env-file path", e);
        } catch (IOException e) {
            throw new ContainerEngineException("reading the env file " + file + " failed: " + e.getMessage(), e);
        }
        List<String> entries = new ArrayList<>();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1).stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                entry(line, environment).ifPresent(entries::add);
            } catch (IllegalArgumentException e) {
                throw new ContainerEngineException("reading the env file " + file + " failed: line " + number + ": "
                        + e.getMessage());
            }
        }
        return entries;
    }
}
