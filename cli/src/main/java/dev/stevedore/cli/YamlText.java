package dev.stevedore.cli;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps, lists, strings, numbers and booleans as block YAML in the shape {@code docker compose config} prints: two
 * spaces a level, list items indented under their key, a string quoted only where plain YAML would read it as
 * something else (a number, a boolean, null, or text with YAML's indicators), and {@code null} as {@code null}.
 */
final class YamlText {
    private static final Pattern PLAIN = Pattern.compile("(?:[A-Za-z_/.$]|-(?=[^ ]))[^:#\\n\"'{}\\[\\],&*!|>%@`]*|[A-Za-z0-9_/.-]+(:[A-Za-z0-9_/.-]+)+|[0-9][A-Za-z0-9_./-]*");
    private static final Pattern LOOKS_TYPED = Pattern.compile(
            "(?i)[-+]?(\\d[\\d_]*(\\.\\d*)?([eE][-+]?\\d+)?|\\.\\d+|0x[0-9a-f]+|0o[0-7]+|\\.inf|\\.nan)|"
                    + "true|false|yes|no|on|off|y|n|null|~");

    private YamlText() {
    }

    /** {@code map} as a YAML document. */
    static String of(Map<String, ?> map) {
        StringBuilder out = new StringBuilder();
        map(out, map, 0);
        return out.toString();
    }

    private static void map(StringBuilder out, Map<String, ?> map, int indent) {
        map.forEach((key, value) -> {
            out.append(" ".repeat(indent)).append(scalar(key)).append(':');
            value(out, value, indent);
        });
    }

    /** After {@code key:} or {@code - }: a scalar on the same line, a collection on the next ones. */
    private static void value(StringBuilder out, Object value, int indent) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append('\n');
            @SuppressWarnings("unchecked")
            Map<String, ?> nested = (Map<String, ?>) map;
            map(out, nested, indent + 2);
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            out.append('\n');
            for (Object item : list) {
                out.append(" ".repeat(indent + 2)).append('-');
                if (item instanceof Map<?, ?> map && !map.isEmpty()) {
                    // the first key on the dash's line, the rest under it
                    StringBuilder nested = new StringBuilder();
                    @SuppressWarnings("unchecked")
                    Map<String, ?> entries = (Map<String, ?>) map;
                    map(nested, entries, indent + 4);
                    out.append(' ').append(nested.substring(indent + 4));
                } else {
                    value(out, item, indent + 2);
                }
            }
        } else {
            out.append(' ').append(value instanceof Map ? "{}" : value instanceof List ? "[]" : scalar(value)).append('\n');
        }
    }

    private static String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String text = value.toString();
        if (!text.isEmpty() && PLAIN.matcher(text).matches() && !LOOKS_TYPED.matcher(text).matches()
                && !text.endsWith(" ") && !text.contains(" #") && !text.contains(": ")) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
