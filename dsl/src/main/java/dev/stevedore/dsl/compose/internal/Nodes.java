package dev.stevedore.dsl.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.dsl.compose.ComposeFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading YAML values the way Compose writes them, with the place in the file in every message. */
final class Nodes {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|ns)");

    private Nodes() {
    }

    static void requireObject(JsonNode node, String at) {
        if (!node.isObject()) {
            throw new ComposeFileException(at + ": must be a mapping");
        }
    }

    /** Fails on the first key of {@code node} that is not in {@code supported} (extension keys {@code x-} pass). */
    static void onlyKeys(JsonNode node, String at, Set<String> supported) {
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!supported.contains(key) && !key.startsWith("x-")) {
                throw new ComposeFileException(at + ": key \"" + key + "\" is not supported");
            }
        }
    }

    static String text(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new ComposeFileException(at + ": must be a single value");
        }
        return node.asText();
    }

    static boolean bool(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return false;
        }
        String value = node.asText();
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ComposeFileException(at + ": \"" + value + "\" is not true or false");
    }

    /** A list of strings, or one string. */
    static List<String> strings(JsonNode node, String at) {
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isArray()) {
            node.forEach(element -> values.add(text(element, at)));
        } else {
            values.add(text(node, at));
        }
        return values;
    }

    /**
     * A mapping of strings, or a list of {@code KEY=VALUE} ({@code KEY} alone: {@code bare} gives its value, or it is
     * left out when that answers {@code null}).
     */
    static Map<String, String> stringMap(JsonNode node, String at, java.util.function.Function<String, String> bare) {
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String value = text(e.getValue(), at + ": " + e.getKey());
                if (value != null) {
                    values.put(e.getKey(), value);
                } else if (bare.apply(e.getKey()) != null) {
                    values.put(e.getKey(), bare.apply(e.getKey()));
                }
            });
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                String entry = text(element, at);
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    values.put(entry.substring(0, equals), entry.substring(equals + 1));
                } else if (bare.apply(entry) != null) {
                    values.put(entry, bare.apply(entry));
                }
            }
        } else {
            throw new ComposeFileException(at + ": must be a mapping or a list of KEY=VALUE");
        }
        return values;
    }

    static Map<String, String> stringMap(JsonNode node, String at) {
        return stringMap(node, at, key -> "");
    }

    /** Compose's durations: {@code 1m30s}, {@code 10s}, {@code 500ms}, {@code 2h}. */
    static Duration duration(JsonNode node, String at) {
        String value = text(node, at);
        if (value == null) {
            return null;
        }
        Matcher part = DURATION_PART.matcher(value);
        long nanos = 0;
        int position = 0;
        while (part.find() && part.start() == position) {
            double amount = Double.parseDouble(part.group(1));
            long unit = switch (part.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "us" -> 1_000L;
                default -> 1L;
            };
            nanos += (long) (amount * unit);
            position = part.end();
        }
        if (position == 0 || position != value.length()) {
            throw new ComposeFileException(at + ": \"" + value + "\" is not a duration (write e.g. 10s, 1m30s, 500ms)");
        }
        return Duration.ofNanos(nanos);
    }

    /** Splits a command line as a POSIX shell would split words (quotes and backslashes; no expansions). */
    static List<String> shellWords(String line, String at) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()
                        && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ComposeFileException(at + ": \"" + line + "\" has an unclosed " + quote);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
