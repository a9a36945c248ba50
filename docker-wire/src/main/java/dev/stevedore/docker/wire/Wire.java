package dev.stevedore.docker.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads and writes the records of this package, and finds what a document carries that its record does not bind. */
public final class Wire {
    /**
     * Case-insensitive names, as dockerd's Go decoder matches them; fields a record does not bind are skipped
     * here, and a reader that must not drop them asks {@link #unbound} first.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Docker's string lists (Cmd, Entrypoint) also take a single string
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();

    private Wire() {
    }

    /**
     * The document as a record.
     *
     * @throws IllegalArgumentException when a field has the wrong type; the message names it
     */
    public static <T> T read(JsonNode document, Class<T> type) {
        try {
            return MAPPER.treeToValue(document, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** The record as a JSON object, {@code null} components left out. */
    public static ObjectNode tree(Object document) {
        return MAPPER.valueToTree(document);
    }

    /**
     * The fields of a document that its record does not bind and that carry a value: a path per field, as the
     * client spelled it ({@code HostConfig.Dns}, {@code NetworkingConfig.EndpointsConfig.net.MacAddress}). A field
     * whose value is Go's zero value ({@code null}, {@code ""}, {@code 0}, {@code false}, or an array or object of
     * only such values) is not listed: Docker clients send every field of a Go struct, set or not, and dockerd
     * cannot tell such a field from an absent one either. Nor is one whose value is its entry in {@code defaults}
     * (by path in lower case, as JSON text: {@code hostconfig.memoryswappiness} → {@code -1}), a default a client
     * sends that is not Go's zero value.
     */
    public static List<String> unbound(JsonNode document, Class<? extends Record> type, Map<String, String> defaults) {
        List<String> found = new ArrayList<>();
        walk(document, type, "", found, defaults);
        return found;
    }

    private static void walk(JsonNode node, Type type, String path, List<String> found, Map<String, String> defaults) {
        if (type instanceof Class<?> c && c.isRecord() && node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                RecordComponent component = component(c, field.getKey());
                if (component != null) {
                    walk(field.getValue(), component.getGenericType(), fieldPath, found, defaults);
                } else if (!isZero(field.getValue())
                        && !field.getValue().toString().equals(defaults.get(fieldPath.toLowerCase(Locale.ROOT)))) {
                    found.add(fieldPath);
                }
            }
        } else if (type instanceof ParameterizedType p && p.getRawType() == List.class && node.isArray()) {
            node.forEach(element -> walk(element, p.getActualTypeArguments()[0], path, found, defaults));
        } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class && node.isObject()) {
            node.fields().forEachRemaining(e -> walk(e.getValue(), p.getActualTypeArguments()[1], path + "." + e.getKey(), found,
                    defaults));
        }
    }

    private static RecordComponent component(Class<?> record, String jsonName) {
        for (RecordComponent component : record.getRecordComponents()) {
            // @JsonProperty does not target record components; Java puts it on the accessor (and field, parameter)
            JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
            if (property != null && property.value().equalsIgnoreCase(jsonName)) {
                return component;
            }
        }
        return null;
    }

    /** Go's zero value, recursively. */
    public static boolean isZero(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return true;
        }
        if (value.isTextual()) {
            return value.asText().isEmpty();
        }
        if (value.isNumber()) {
            return value.asDouble() == 0;
        }
        if (value.isBoolean()) {
            return !value.asBoolean();
        }
        for (JsonNode element : value) {
            if (!isZero(element)) {
                return false;
            }
        }
        return true;
    }
}
