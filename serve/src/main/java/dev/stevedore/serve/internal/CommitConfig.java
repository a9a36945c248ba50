package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The config body of {@code POST /commit} as the {@code --change} instructions that say the same: dockerd lays the
 * body's {@code Cmd}, {@code Entrypoint}, {@code Env}, {@code Labels}, {@code ExposedPorts}, {@code Volumes},
 * {@code User}, {@code WorkingDir} and {@code StopSignal} over the container's config, and the {@code changes} query
 * over that, so these instructions go before the query's. Names match case-insensitively, as dockerd's decoder
 * matches them. Any other field that carries a value is refused with a 400 naming it.
 */
final class CommitConfig {
    /**
     * What docker-java's {@code commitCmd} puts in the body beside the config (its own bookkeeping, sent in the query
     * as well): dockerd's decoder has no such fields and skips them, so they are read from the query only.
     */
    private static final Set<String> CLIENT_BOOKKEEPING = Set.of("containerid", "repository", "tag", "message", "author", "pause");

    private CommitConfig() {
    }

    /** The instructions {@code config} (a JSON object, or anything else for none) amounts to. */
    static List<String> changes(JsonNode config) {
        List<String> changes = new ArrayList<>();
        if (!config.isObject()) {
            return changes;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = config.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (unset(value)) {
                continue;
            }
            String name = field.getKey().toLowerCase(Locale.ROOT);
            switch (name) {
                case "cmd" -> changes.add("CMD " + value);
                case "entrypoint" -> changes.add("ENTRYPOINT " + value);
                case "env" -> value.forEach(e -> {
                    String entry = e.asText();
                    int eq = entry.indexOf('=');
                    if (eq <= 0) {
                        throw ApiException.badRequest("commit: Env entry \"" + entry + "\" is not KEY=VALUE");
                    }
                    changes.add("ENV " + entry.substring(0, eq) + "=" + quoted(entry.substring(eq + 1)));
                });
                case "labels" -> value.fields().forEachRemaining(l -> changes.add("LABEL " + quoted(l.getKey()) + "=" + quoted(l.getValue().asText())));
                case "exposedports" -> value.fieldNames().forEachRemaining(port -> changes.add("EXPOSE " + port));
                case "volumes" -> value.fieldNames().forEachRemaining(path -> changes.add("VOLUME " + quoted(path)));
                case "user" -> changes.add("USER " + quoted(value.asText()));
                case "workingdir" -> changes.add("WORKDIR " + quoted(value.asText()));
                case "stopsignal" -> changes.add("STOPSIGNAL " + value.asText());
                default -> {
                    if (!CLIENT_BOOKKEEPING.contains(name)) {
                        throw ApiException.badRequest("commit: the config field " + field.getKey() + " is not supported by"
                                + " stevedore serve; give it as a change instead (docker commit --change, changes=)");
                    }
                }
            }
        }
        return changes;
    }

    /** Go's zero values and empty containers: what every client sends for a field it leaves alone. */
    private static boolean unset(JsonNode value) {
        return value.isNull() || value.isMissingNode() || value.isContainerNode() && value.isEmpty()
                || value.isTextual() && value.asText().isEmpty() || value.isBoolean() && !value.asBoolean()
                || value.isNumber() && value.asLong() == 0;
    }

    /** A Dockerfile word in double quotes, so spaces, quotes and {@code $} are taken literally, not expanded. */
    private static String quoted(String word) {
        return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + '"';
    }
}
