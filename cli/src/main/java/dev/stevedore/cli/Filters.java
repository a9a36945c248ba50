package dev.stevedore.cli;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.VolumeInfo;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine.ParameterException;

/** docker's {@code --filter KEY=VALUE} for networks and volumes. */
final class Filters {
    private Filters() {
    }

    static Predicate<NetworkInfo> network(String filter, Function<String, ParameterException> usageError) {
        String[] pair = pair(filter, usageError);
        String value = pair[1];
        return switch (pair[0]) {
            case "name" -> n -> n.name().contains(value);
            case "id" -> n -> n.id().startsWith(value);
            case "driver" -> n -> value.equals(n.driver() == null ? "null" : n.driver());
            case "label" -> n -> label(n.labels(), value);
            case "scope" -> n -> value.equals("local");
            default -> throw usageError.apply("--filter '" + pair[0] + "' is not supported: use name, id, driver, label or scope");
        };
    }

    static Predicate<VolumeInfo> volume(String filter, Function<String, ParameterException> usageError) {
        String[] pair = pair(filter, usageError);
        String value = pair[1];
        return switch (pair[0]) {
            case "name" -> v -> v.name().contains(value);
            case "driver" -> v -> value.equals("local");
            case "label" -> v -> label(v.labels(), value);
            default -> throw usageError.apply("--filter '" + pair[0] + "' is not supported: use name, label, driver or dangling");
        };
    }

    /** {@code labels} without the CLI's own bookkeeping label ({@link ContainerSpec#KEEP_LABEL}), sorted by key. */
    static Map<String, String> usersLabels(Map<String, String> labels) {
        Map<String, String> users = new TreeMap<>(labels);
        users.remove(ContainerSpec.KEEP_LABEL);
        return users;
    }

    /** {@code a=1,b=2}, sorted by key, as docker's listings print labels. */
    static String labels(Map<String, String> labels) {
        // the CLI's own bookkeeping label (what it made outlives the command) is not the user's: left out, as dockerd
        // shows no such label
        return usersLabels(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** {@code KEY} (any value) or {@code KEY=VALUE}. */
    private static boolean label(Map<String, String> labels, String wanted) {
        int equals = wanted.indexOf('=');
        return equals < 0 ? labels.containsKey(wanted)
                : wanted.substring(equals + 1).equals(labels.get(wanted.substring(0, equals)));
    }

    private static String[] pair(String filter, Function<String, ParameterException> usageError) {
        int equals = filter.indexOf('=');
        if (equals <= 0 || equals == filter.length() - 1) {
            throw usageError.apply("--filter '" + filter + "' is not KEY=VALUE");
        }
        return new String[] {filter.substring(0, equals), filter.substring(equals + 1)};
    }
}
