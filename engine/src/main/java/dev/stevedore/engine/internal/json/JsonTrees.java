package dev.stevedore.engine.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * JSON trees read and written with jackson-core's parser and generator alone, the same trees and bytes as
 * {@code ObjectMapper.readTree} and {@code writeValueAsBytes} give. Why not the mapper: the first {@code ObjectMapper}
 * a process makes initialises its date format, whose calendar turns every CLDR locale tag into a {@code Locale} — in
 * the interpreter, a third of a short CLI command's Java time ({@code stevedore images}) for dates nothing here reads.
 */
public final class JsonTrees {
    /** The factory every streaming reader and writer in the engine shares: it keeps the symbol tables warm. */
    public static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /** The document in {@code bytes} as a tree; {@link MissingNode} when there is none (as the mapper's readTree). */
    public static JsonNode read(byte[] bytes) throws IOException {
        return read(bytes, 0, bytes.length);
    }

    /** The document in {@code json}, as {@link #read(byte[])}. */
    public static JsonNode read(String json) throws com.fasterxml.jackson.core.JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken token = parser.nextToken();
            return token == null ? MissingNode.getInstance() : value(parser, token);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a string has no I/O to fail
        }
    }

    /** The document in {@code length} bytes from {@code offset}, as {@link #read(byte[])}. */
    public static JsonNode read(byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser parser = FACTORY.createParser(bytes, offset, length)) {
            JsonToken token = parser.nextToken();
            return token == null ? MissingNode.getInstance() : value(parser, token);
        }
    }

    /** The value at the parser's current token; containers without recursion, so no document is too deep. */
    private static JsonNode value(JsonParser parser, JsonToken first) throws IOException {
        if (!first.isStructStart()) {
            return scalar(parser, first);
        }
        JsonNode root = first == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
        Deque<JsonNode> open = new ArrayDeque<>();
        open.push(root);
        while (!open.isEmpty()) {
            JsonNode container = open.peek();
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected end of input");
            }
            if (token.isStructEnd()) {
                open.pop();
                continue;
            }
            String name = null;
            if (token == JsonToken.FIELD_NAME) {
                name = parser.currentName();
                token = parser.nextToken();
            }
            JsonNode child = token == JsonToken.START_OBJECT ? NODES.objectNode()
                    : token == JsonToken.START_ARRAY ? NODES.arrayNode() : scalar(parser, token);
            if (container instanceof ObjectNode object) {
                object.replace(name, child); // a repeated name: the last one counts, as the mapper's
            } else {
                ((ArrayNode) container).add(child);
            }
            if (token.isStructStart()) {
                open.push(child);
            }
        }
        return root;
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected " + token);
        };
    }

    /** The tree as compact JSON. */
    public static byte[] write(JsonNode tree) throws IOException {
        return write(tree, false);
    }

    /** The tree as JSON, indented as the mapper's default pretty printer does when {@code pretty}. */
    public static byte[] write(JsonNode tree, boolean pretty) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (pretty) {
                generator.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            write(generator, tree);
        }
        return out.toByteArray();
    }

    /** Writes the tree to the generator. */
    public static void write(JsonGenerator out, JsonNode tree) throws IOException {
        switch (tree.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> field : tree.properties()) {
                    out.writeFieldName(field.getKey());
                    write(out, field.getValue());
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode element : tree) {
                    write(out, element);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(tree.textValue());
            case BOOLEAN -> out.writeBoolean(tree.booleanValue());
            case NULL -> out.writeNull();
            case NUMBER -> {
                switch (tree.numberType()) {
                    case INT -> out.writeNumber(tree.intValue());
                    case LONG -> out.writeNumber(tree.longValue());
                    case BIG_INTEGER -> out.writeNumber(tree.bigIntegerValue());
                    case FLOAT -> out.writeNumber(tree.floatValue());
                    case BIG_DECIMAL -> out.writeNumber(tree.decimalValue());
                    default -> out.writeNumber(tree.doubleValue());
                }
            }
            default -> throw new IOException("cannot write a " + tree.getNodeType() + " node as JSON");
        }
    }
}
