package dev.stevedore.engine.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records as JSON objects through jackson-core's parser and generator, in the bytes Jackson's data binding wrote for
 * them (the store's files from older builds read back as they were): a record's components in declaration order,
 * enums by name, a {@link Duration} as milliseconds, lists as arrays, maps as objects, null as null. Reading ignores
 * names it does not know and gives a missing component null (0, false), so files written by older and newer builds
 * load. A component added to a record needs nothing here.
 *
 * <p>Why not data binding: its serializer and deserializer for a record as wide as a container's spec are built by
 * introspection, in the interpreter, in every short-lived CLI process (a fifth of a {@code run --rm}'s Java time); the
 * shape here is the record's components, read once per class.
 */
public final class RecordJson {
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private RecordJson() {
    }

    /** The value (a record, usually) as compact JSON. */
    public static byte[] write(Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator generator = JsonTrees.FACTORY.createGenerator(out)) {
            write(generator, value);
        }
        return out.toByteArray();
    }

    /** Reads a {@code type} (a record, usually) from its JSON. */
    public static <T> T read(byte[] bytes, Class<T> type) throws IOException {
        try (JsonParser parser = JsonTrees.FACTORY.createParser(bytes)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new JsonParseException(parser, "no content where a " + type.getSimpleName() + " was expected");
            }
            return type.cast(read(parser, type));
        }
    }

    /** Writes a value of any of the kinds above. */
    public static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof Boolean flag) {
            out.writeBoolean(flag);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long number) {
            out.writeNumber(number);
        } else if (value instanceof Double number) {
            out.writeNumber(number);
        } else if (value instanceof Float number) {
            out.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            out.writeNumber(number);
        } else if (value instanceof BigDecimal number) {
            out.writeNumber(number);
        } else if (value instanceof Enum<?> constant) {
            out.writeString(constant.name());
        } else if (value instanceof Duration duration) {
            out.writeNumber(duration.toMillis());
        } else if (value instanceof Collection<?> elements) {
            out.writeStartArray();
            for (Object element : elements) {
                write(out, element);
            }
            out.writeEndArray();
        } else if (value instanceof Map<?, ?> entries) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Record) {
            Shape shape = SHAPES.get(value.getClass());
            out.writeStartObject();
            for (int i = 0; i < shape.names.length; i++) {
                out.writeFieldName(shape.names[i]);
                write(out, shape.get(i, value));
            }
            out.writeEndObject();
        } else {
            throw new IOException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    /** Reads the value at the parser's current token as a {@code type}. */
    public static Object read(JsonParser in, Type type) throws IOException {
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType()
                : (Class<?>) type;
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return raw.isPrimitive() ? defaultValue(raw) : null;
        }
        if (raw == String.class) {
            if (!token.isScalarValue()) {
                throw new JsonParseException(in, "expected a string, found " + token);
            }
            return in.getText();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return in.getValueAsBoolean();
        }
        if (raw == int.class || raw == Integer.class) {
            return number(in, token).getIntValue();
        }
        if (raw == long.class || raw == Long.class) {
            return number(in, token).getLongValue();
        }
        if (raw == double.class || raw == Double.class) {
            return number(in, token).getDoubleValue();
        }
        if (raw == Duration.class) {
            return Duration.ofMillis(number(in, token).getLongValue());
        }
        if (raw.isEnum()) {
            return constant(in, raw);
        }
        if (List.class.isAssignableFrom(raw) || raw == Collection.class) {
            expect(in, token, JsonToken.START_ARRAY);
            Type element = argument(type, 0);
            List<Object> list = new ArrayList<>();
            while (in.nextToken() != JsonToken.END_ARRAY) {
                list.add(read(in, element));
            }
            return list;
        }
        if (Map.class.isAssignableFrom(raw)) {
            expect(in, token, JsonToken.START_OBJECT);
            Type value = argument(type, 1);
            Map<String, Object> map = new LinkedHashMap<>();
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String key = in.currentName();
                in.nextToken();
                map.put(key, read(in, value));
            }
            return map;
        }
        if (raw.isRecord()) {
            expect(in, token, JsonToken.START_OBJECT);
            Shape shape = SHAPES.get(raw);
            Object[] arguments = new Object[shape.names.length];
            for (int i = 0; i < arguments.length; i++) {
                arguments[i] = defaultValue(shape.types[i] instanceof Class<?> c ? c : Object.class);
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                int index = shape.index(in.currentName());
                in.nextToken();
                if (index < 0) {
                    in.skipChildren(); // a later build's field: left for that build
                } else {
                    arguments[index] = read(in, shape.types[index]);
                }
            }
            return shape.create(arguments);
        }
        throw new IOException("cannot read a " + type.getTypeName() + " from JSON");
    }

    private static JsonParser number(JsonParser in, JsonToken token) throws IOException {
        if (!token.isNumeric()) {
            throw new JsonParseException(in, "expected a number, found " + token);
        }
        return in;
    }

    private static void expect(JsonParser in, JsonToken token, JsonToken wanted) throws IOException {
        if (token != wanted) {
            throw new JsonParseException(in, "expected " + wanted + ", found " + token);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object constant(JsonParser in, Class<?> type) throws IOException {
        String name = in.getText();
        try {
            return Enum.valueOf((Class) type, name);
        } catch (IllegalArgumentException e) {
            throw new JsonParseException(in, "'" + name + "' is not one of " + List.of(type.getEnumConstants()));
        }
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()[index]
                : Object.class;
    }

    private static Object defaultValue(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        if (type == float.class) {
            return 0.0f;
        }
        return type == int.class ? 0 : type == short.class ? (short) 0 : type == byte.class ? (byte) 0 : (char) 0;
    }

    /** A record class's components: names, generic types, accessors and canonical constructor. */
    private record Shape(String[] names, Type[] types, Method[] accessors, Constructor<?> constructor) {
        static Shape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            String[] names = new String[components.length];
            Type[] types = new Type[components.length];
            Method[] accessors = new Method[components.length];
            Class<?>[] raw = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = components[i].getName();
                types[i] = components[i].getGenericType();
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true); // the store's records are package-private
                raw[i] = components[i].getType();
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(raw);
                constructor.setAccessible(true);
                return new Shape(names, types, accessors, constructor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
            }
        }

        int index(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        Object get(int index, Object record) throws IOException {
            try {
                return accessors[index].invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IOException("cannot read " + names[index] + " of a " + record.getClass().getName(), e);
            }
        }

        Object create(Object[] arguments) throws IOException {
            try {
                return constructor.newInstance(arguments);
            } catch (InvocationTargetException e) {
                throw new IOException("cannot make a " + constructor.getDeclaringClass().getSimpleName() + ": "
                        + e.getCause().getMessage(), e.getCause());
            } catch (InstantiationException | IllegalAccessException e) {
                throw new IOException("cannot make a " + constructor.getDeclaringClass().getSimpleName(), e);
            }
        }
    }
}
