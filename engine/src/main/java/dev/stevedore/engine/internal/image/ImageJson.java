package dev.stevedore.engine.internal.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.json.JsonTrees;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON of image documents field by field. Unknown fields are ignored (the formats grow);
 * fields that are present but of the wrong shape are errors naming the field.
 */
final class ImageJson {
    private ImageJson() {
    }

    /** Parses a document that must be a JSON object. */
    static ObjectNode object(byte[] bytes, String what) {
        JsonNode node;
        try {
            node = JsonTrees.read(bytes);
        } catch (JsonProcessingException e) {
            throw new ImageFormatException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ImageFormatException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ImageFormatException(what + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    /** A field that may be absent or null; else it must be an object. */
    static JsonNode optionalObject(JsonNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ImageFormatException(what + ": \"" + field + "\" must be a JSON object");
        }
        return node;
    }

    /** A string field that may be absent or null. */
    static String optionalText(JsonNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new ImageFormatException(what + ": \"" + field + "\" must be a string");
        }
        return node.textValue();
    }

    static String requiredText(JsonNode parent, String field, String what) {
        String text = optionalText(parent, field, what);
        if (text == null || text.isEmpty()) {
            throw new ImageFormatException(what + ": \"" + field + "\" is missing");
        }
        return text;
    }

    /** An array of strings that may be absent or null (then empty). */
    static List<String> stringList(JsonNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ImageFormatException(what + ": \"" + field + "\" must be an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new ImageFormatException(what + ": \"" + field + "\" must be an array of strings");
            }
            values.add(element.textValue());
        }
        return values;
    }

    /** An object of string values that may be absent or null (then empty); order kept. */
    static Map<String, String> stringMap(JsonNode parent, String field, String what) {
        JsonNode node = optionalObject(parent, field, what);
        if (node == null) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new ImageFormatException(what + ": \"" + field + "\" must map names to strings");
            }
            values.put(entry.getKey(), entry.getValue().textValue());
        }
        return values;
    }

    /** The keys of an object such as {@code ExposedPorts} or {@code Volumes} (values are empty objects). */
    static List<String> keys(JsonNode parent, String field, String what) {
        JsonNode node = optionalObject(parent, field, what);
        if (node == null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(node.size());
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    static Digest digest(String text, String what) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ImageFormatException(what + ": " + e.getMessage(), e);
        }
    }

    /** An OCI descriptor; {@code what} names it in errors ("layer 2 of the manifest"). */
    static Descriptor descriptor(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new ImageFormatException(what + " must be a JSON object");
        }
        String mediaType = requiredText(node, "mediaType", what);
        Digest digest = digest(requiredText(node, "digest", what), what);
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
            throw new ImageFormatException(what + ": \"size\" must be a non-negative integer");
        }
        return new Descriptor(mediaType, digest, size.longValue(), platform(optionalObject(node, "platform", what)),
                stringList(node, "urls", what), stringMap(node, "annotations", what));
    }

    static List<Descriptor> descriptors(JsonNode array, String what) {
        if (!array.isArray()) {
            throw new ImageFormatException("\"" + what + "\" must be an array");
        }
        List<Descriptor> descriptors = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            descriptors.add(descriptor(array.get(i), what + "[" + i + "]"));
        }
        return descriptors;
    }

    /** An index entry's platform; {@code null} when absent or incomplete (such an entry matches no platform). */
    private static Platform platform(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode os = node.get("os");
        JsonNode architecture = node.get("architecture");
        if (os == null || !os.isTextual() || os.textValue().isEmpty()
                || architecture == null || !architecture.isTextual() || architecture.textValue().isEmpty()) {
            return null;
        }
        JsonNode variant = node.get("variant");
        return new Platform(os.textValue(), architecture.textValue(),
                variant != null && variant.isTextual() ? variant.textValue() : "");
    }
}
