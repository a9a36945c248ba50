package dev.stevedore.serve.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out, read leniently as Docker clients write it: docker-java sends every unset field as
 * {@code null}, so a {@code null} is treated as absent everywhere.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Go's {@code RFC3339Nano} with nine fixed digits, as moby writes a log line's time. */
    private static final DateTimeFormatter RFC3339_NANO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Go's zero time, which Docker writes for "never". */
    static final String NEVER = "0001-01-01T00:00:00Z";

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** The request body as JSON; a missing node for an empty body. */
    static JsonNode read(InputStream body) throws IOException {
        return read(body.readAllBytes());
    }

    /** A request body's bytes as JSON; a missing node when there are none. */
    static JsonNode read(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A text field, {@code null} when absent, null or empty. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        String text = value.asText();
        return text.isEmpty() ? null : text;
    }

    /** A string array field, {@code null} when absent or null. */
    static List<String> strings(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        List<String> result = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> result.add(v.asText()));
        } else if (value.isTextual()) {
            result.add(value.asText());
        }
        return result;
    }

    /** A string-to-string object field; empty when absent or null. */
    static Map<String, String> stringMap(JsonNode node, String field) {
        Map<String, String> result = new LinkedHashMap<>();
        JsonNode value = node.path(field);
        if (value.isObject()) {
            value.properties().forEach(e -> result.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        }
        return result;
    }

    static boolean bool(JsonNode node, String field) {
        return node.path(field).asBoolean(false);
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode array = array();
        values.forEach(array::add);
        return array;
    }

    static ObjectNode stringMap(Map<String, String> values) {
        ObjectNode object = object();
        values.forEach(object::put);
        return object;
    }

    /**
     * A time as Go's encoding/json writes a {@code time.Time} in moby's documents (RFC3339Nano: the fraction's trailing
     * zeros dropped, no fraction when it is zero); {@link #NEVER} for {@code null}.
     */
    static String time(Instant instant) {
        if (instant == null) {
            return NEVER;
        }
        String fixed = RFC3339_NANO.format(instant);
        int dot = fixed.lastIndexOf('.');
        int last = fixed.length() - 2; // the fraction's last digit, before the Z
        while (last > dot && fixed.charAt(last) == '0') {
            last--;
        }
        return (last == dot ? fixed.substring(0, dot) : fixed.substring(0, last + 1)) + "Z";
    }

    /** A log line's time as moby writes it before the line: RFC3339Nano with nine digits, always. */
    static String logTime(Instant instant) {
        return RFC3339_NANO.format(instant);
    }

    /** A time to the second, as moby writes a volume's {@code CreatedAt}. */
    static String seconds(Instant instant) {
        return instant == null ? NEVER : java.time.format.DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
