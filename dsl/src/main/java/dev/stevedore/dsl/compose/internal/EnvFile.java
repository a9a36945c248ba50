package dev.stevedore.dsl.compose.internal;

import dev.stevedore.dsl.compose.ComposeFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files of {@code KEY=VALUE} lines: the project's {@code .env} and a service's {@code env_file}s. Blank lines and
 * lines starting with {@code #} are skipped, an {@code export } prefix is dropped, and a value in matching single or
 * double quotes loses them.
 */
final class EnvFile {

    private EnvFile() {
    }

    /** The variables in {@code file}; an empty map when it does not exist and {@code required} is false. */
    static Map<String, String> read(Path file, boolean required, String where) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            if (!required) {
                return Map.of();
            }
            throw new ComposeFileException(where + ": env file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ComposeFileException(where + ": cannot read env file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new ComposeFileException(file + ":" + number + ": \"" + raw + "\" is not KEY=VALUE");
            }
            variables.put(line.substring(0, equals).strip(), unquote(line.substring(equals + 1).strip()));
        }
        return variables;
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
                return value.substring(1, value.length() - 1);
            }
        }
        int comment = value.indexOf(" #");
        return comment >= 0 ? value.substring(0, comment).strip() : value;
    }
}
