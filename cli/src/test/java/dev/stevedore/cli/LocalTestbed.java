package dev.stevedore.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The test bed's {@code testbed.env} (KEY=VALUE lines written by {@code testbed/up}), read from
 * {@code $STEVEDORE_TESTBED} or {@code /var/lib/stevedore-testbed}. Fails loudly when the test bed is not up:
 * integration tests must not pass or skip without it.
 */
final class LocalTestbed {
    private final Path file;
    private final Map<String, String> values;

    private LocalTestbed(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    static LocalTestbed load() {
        String directory = System.getenv("STEVEDORE_TESTBED");
        Path file = Path.of(directory != null && !directory.isBlank() ? directory : "/var/lib/stevedore-testbed", "testbed.env");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the test bed is not up: " + file + " does not exist"
                    + " — run testbed/up as root (or point STEVEDORE_TESTBED at its state directory)");
        }
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int equals = trimmed.indexOf('=');
                if (equals > 0) {
                    values.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the test bed's settings from " + file + " failed", e);
        }
        return new LocalTestbed(file, values);
    }

    /** The value of {@code key}; fails naming the file when the test bed did not write it. */
    String get(String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("the test bed's " + file + " has no " + key
                    + " — re-run testbed/up (it may be older than this test)");
        }
        return value;
    }

    /** {@link #get} for a file the test bed made; fails when the file is gone. */
    Path file(String key) {
        Path path = Path.of(get(key));
        if (!Files.exists(path)) {
            throw new IllegalStateException("the test bed's " + key + " (" + path + ") does not exist — re-run testbed/up");
        }
        return path;
    }
}
