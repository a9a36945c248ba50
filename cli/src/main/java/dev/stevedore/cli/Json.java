package dev.stevedore.cli;

import java.util.Collection;
import java.util.Map;

/**
 * Just enough JSON writing for the command line: flat objects of strings, one per line, for
 * {@code --format json}; and nested documents indented as Docker indents {@code inspect}'s output.
 */
final class Json {
    private Json() {
    }

    /**
     * A document whose JSON differs from the fields a template reads, as a Go struct's tags rename and omit its
     * fields ({@code Status} read by a template, written as {@code "status"} and left out when empty).
     */
    interface Tagged {
        /** What {@link #compact} and {@link #pretty} write in its place. */
        Object json();
    }

    /** The fields as a one-line JSON object, in the map's iteration order; {@code null} values become JSON null. */
    static String object(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            string(json, field.getKey());
            json.append(':');
            if (field.getValue() == null) {
                json.append("null");
            } else {
                string(json, field.getValue());
            }
        }
        return json.append('}').toString();
    }

    /**
     * {@code value} as an indented JSON document (four spaces a level, as {@code docker inspect} prints):
     * maps become objects in their iteration order, collections arrays; strings, numbers, booleans and
     * {@code null} stand for themselves; anything else is written as its {@code toString()}.
     */
    static String pretty(Object value) {
        StringBuilder json = new StringBuilder();
        pretty(json, value, "");
        return json.toString();
    }

    /** {@code value} as one line of JSON without spaces, as Go's {@code json} template function writes it. */
    static String compact(Object value) {
        StringBuilder json = new StringBuilder();
        pretty(json, value, null);
        return json.toString();
    }

    /** With {@code indent} null: compact, on one line. */
    private static void pretty(StringBuilder json, Object value, String indent) {
        boolean compact = indent == null;
        String inner = compact ? null : indent + "    ";
        if (value instanceof Tagged tagged) {
            pretty(json, tagged.json(), indent);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                json.append("{}");
                return;
            }
            json.append(compact ? "{" : "{\n");
            int left = map.size();
            // a document's own maps keep their order (a Go struct's fields); any other map is written by sorted
            // key, as Go's encoding/json writes a map
            Map<?, ?> ordered = map instanceof java.util.LinkedHashMap<?, ?> || map instanceof java.util.SortedMap<?, ?>
                    ? map : new java.util.TreeMap<>(map);
            for (Map.Entry<?, ?> entry : ordered.entrySet()) {
                json.append(compact ? "" : inner);
                string(json, String.valueOf(entry.getKey()));
                json.append(compact ? ":" : ": ");
                pretty(json, entry.getValue(), inner);
                json.append(--left > 0 ? (compact ? "," : ",\n") : (compact ? "" : "\n"));
            }
            json.append(compact ? "" : indent).append('}');
        } else if (value instanceof Collection<?> list) {
            if (list.isEmpty()) {
                json.append("[]");
                return;
            }
            json.append(compact ? "[" : "[\n");
            int left = list.size();
            for (Object element : list) {
                json.append(compact ? "" : inner);
                pretty(json, element, inner);
                json.append(--left > 0 ? (compact ? "," : ",\n") : (compact ? "" : "\n"));
            }
            json.append(compact ? "" : indent).append(']');
        } else if (value == null) {
            json.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else {
            string(json, value.toString());
        }
    }

    /** {@code value} as a JSON string: in double quotes, with quotes, backslashes and control characters escaped. */
    static String quoted(String value) {
        StringBuilder json = new StringBuilder();
        string(json, value);
        return json.toString();
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
