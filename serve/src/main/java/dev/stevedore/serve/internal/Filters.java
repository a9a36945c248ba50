package dev.stevedore.serve.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * The {@code filters} query parameter of list calls: JSON mapping a filter name to its values, written as an
 * array ({@code {"label":["k=v"]}}, docker-java) or as an object of booleans ({@code {"label":{"k=v":true}}},
 * the Go client). Values of one name are alternatives; different names must all match.
 */
final class Filters {
    private final Map<String, List<String>> values;

    private Filters(Map<String, List<String>> values) {
        this.values = values;
    }

    static Filters parse(String json) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return new Filters(values);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid filters: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("invalid filters: " + json + " is not a JSON object");
        }
        root.properties().forEach(entry -> {
            List<String> list = new ArrayList<>();
            JsonNode node = entry.getValue();
            if (node.isArray()) {
                node.forEach(v -> list.add(v.asText()));
            } else if (node.isObject()) {
                node.properties().forEach(v -> {
                    if (v.getValue().asBoolean(true)) {
                        list.add(v.getKey());
                    }
                });
            } else if (!node.isNull()) {
                list.add(node.asText());
            }
            values.put(entry.getKey(), list);
        });
        return new Filters(values);
    }

    /** Every filter by name, for a route that hands them on whole. */
    Map<String, List<String>> all() {
        return values;
    }

    boolean has(String name) {
        return values.containsKey(name) && !values.get(name).isEmpty();
    }

    List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** True when filter {@code name} is absent, or one of its values matches one of {@code candidates}. */
    boolean matchesAny(String name, Collection<String> candidates, BiPredicate<String, String> matches) {
        if (!has(name)) {
            return true;
        }
        for (String wanted : values(name)) {
            for (String candidate : candidates) {
                if (matches.test(wanted, candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when every {@code label} filter ({@code key} or {@code key=value}) holds for {@code labels}. */
    boolean labels(Map<String, String> labels) {
        for (String wanted : values("label")) {
            int eq = wanted.indexOf('=');
            if (eq < 0) {
                if (!labels.containsKey(wanted)) {
                    return false;
                }
            } else if (!wanted.substring(eq + 1).equals(labels.get(wanted.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }

    /** A {@code reference} filter value as Docker matches it: {@code *} within a path component. */
    static boolean glob(String pattern, String candidate) {
        String p = pattern.contains(":") || pattern.contains("@") ? pattern : pattern + ":*";
        StringBuilder regex = new StringBuilder();
        for (char c : p.toCharArray()) {
            regex.append(c == '*' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
        }
        return candidate.matches(regex.toString());
    }
}
