package dev.stevedore.cli;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Go's text/template that scripts pass to docker's {@code --format}: text with actions
 * {@code {{.Field.Sub}}}, {@code {{json .Field}}} and {@code {{index .List 0}}} (or {@code {{index .Map "key"}}}) over a
 * document of maps and lists, printed as Go prints them ({@code <no value>} for a missing field, {@code [a b]} for a list,
 * {@code map[k:v]} for a map). Anything else is refused with a message naming it, rather than printed wrong.
 */
final class GoTemplate {
    private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
    private static final Pattern INDEX = Pattern.compile("index\\s+(\\S+)\\s+(\\d+|\"[^\"]*\")");

    private final String template;

    private GoTemplate(String template) {
        this.template = template;
    }

    /**
     * A template, checked now.
     *
     * @throws IllegalArgumentException naming the action this subset does not have
     */
    static GoTemplate parse(String template) {
        GoTemplate parsed = new GoTemplate(template);
        parsed.apply(Map.of());
        return parsed;
    }

    /** The text for {@code document}. */
    String apply(Map<String, Object> document) {
        Matcher action = ACTION.matcher(template);
        StringBuilder text = new StringBuilder();
        int last = 0;
        while (action.find()) {
            text.append(template, last, action.start());
            text.append(evaluate(action.group(1).trim(), document));
            last = action.end();
        }
        return text.append(template.substring(last)).toString();
    }

    private static String evaluate(String action, Map<String, Object> document) {
        if (action.startsWith("json ")) {
            return Json.compact(value(action.substring("json ".length()).trim(), document));
        }
        Matcher index = INDEX.matcher(action);
        if (index.matches()) {
            Object container = value(index.group(1), document);
            String key = index.group(2);
            if (container instanceof List<?> list && !key.startsWith("\"")) {
                int i = Integer.parseInt(key);
                if (i >= list.size()) {
                    throw new IllegalArgumentException("template: index " + i + " out of range: " + index.group(1) + " has " + list.size());
                }
                return print(list.get(i));
            }
            if (container instanceof Map<?, ?> map && key.startsWith("\"")) {
                return print(map.get(key.substring(1, key.length() - 1)));
            }
            return print(null);
        }
        if (action.startsWith(".")) {
            return print(value(action, document));
        }
        throw new IllegalArgumentException("template action {{" + action + "}} is not supported: use {{.Field}}, "
                + "{{json .Field}} or {{index .Field N}}");
    }

    /** {@code .A.B} in {@code document}; {@code null} where a step is missing. {@code .} is the document. */
    private static Object value(String path, Map<String, Object> document) {
        if (!path.startsWith(".")) {
            throw new IllegalArgumentException("template: " + path + " is not a field: fields start with '.'");
        }
        Object value = document;
        for (String step : path.substring(1).split("\\.")) {
            if (step.isEmpty()) {
                continue;
            }
            value = value instanceof Map<?, ?> map ? map.get(step) : null;
        }
        return value;
    }

    private static String print(Object value) {
        if (value == null) {
            return "<no value>";
        }
        if (value instanceof List<?> list) {
            StringBuilder text = new StringBuilder("[");
            list.forEach(item -> text.append(text.length() > 1 ? " " : "").append(print(item)));
            return text.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder text = new StringBuilder("map[");
            new java.util.TreeMap<>(map).forEach((k, v) -> text.append(text.length() > 4 ? " " : "").append(k).append(':').append(print(v)));
            return text.append(']').toString();
        }
        return String.valueOf(value);
    }
}
