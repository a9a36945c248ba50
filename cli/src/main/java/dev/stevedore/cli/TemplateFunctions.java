package dev.stevedore.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The functions a {@link GoTemplate} calls — Go's built-in ones and those docker adds — and Go's way of printing a
 * value ({@code fmt}'s {@code %v}).
 */
final class TemplateFunctions {
    private TemplateFunctions() {
    }

    static Object call(String name, List<Object> arguments) {
        return switch (name) {
            case "and" -> {
                atLeast(name, arguments, 1);
                Object last = null;
                for (Object argument : arguments) {
                    last = argument;
                    if (!truth(argument)) {
                        break;
                    }
                }
                yield last;
            }
            case "or" -> {
                atLeast(name, arguments, 1);
                Object last = null;
                for (Object argument : arguments) {
                    last = argument;
                    if (truth(argument)) {
                        break;
                    }
                }
                yield last;
            }
            case "not" -> !truth(one(name, arguments));
            case "len" -> length(one(name, arguments));
            case "index" -> index(arguments);
            case "slice" -> slice(arguments);
            case "print" -> sprint(arguments);
            case "println" -> {
                StringBuilder line = new StringBuilder();
                arguments.forEach(argument -> line.append(line.length() > 0 ? " " : "").append(print(argument, false)));
                yield line.append('\n').toString();
            }
            case "printf" -> {
                atLeast(name, arguments, 1);
                yield GoFormat.sprintf(string(name, arguments.get(0)), arguments.subList(1, arguments.size()));
            }
            case "eq" -> {
                atLeast(name, arguments, 2);
                Object first = arguments.get(0);
                yield arguments.subList(1, arguments.size()).stream().anyMatch(other -> compare(name, first, other) == 0);
            }
            case "ne" -> compare(name, two(name, arguments)[0], arguments.get(1)) != 0;
            case "lt" -> compare(name, two(name, arguments)[0], arguments.get(1)) < 0;
            case "le" -> compare(name, two(name, arguments)[0], arguments.get(1)) <= 0;
            case "gt" -> compare(name, two(name, arguments)[0], arguments.get(1)) > 0;
            case "ge" -> compare(name, two(name, arguments)[0], arguments.get(1)) >= 0;
            case "html" -> sprint(arguments).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace("\"", "&#34;").replace("'", "&#39;").replace("\0", "\uFFFD");
            case "urlquery" -> URLEncoder.encode(sprint(arguments), StandardCharsets.UTF_8);
            case "json" -> Json.compact(one(name, arguments));
            case "split" -> {
                Object[] both = two(name, arguments);
                String separator = string(name, both[1]);
                String text = string(name, both[0]);
                yield separator.isEmpty() ? List.copyOf(Arrays.asList(text.split("")))
                        : List.copyOf(Arrays.asList(text.split(java.util.regex.Pattern.quote(separator), -1)));
            }
            case "join" -> {
                Object[] both = two(name, arguments);
                if (!(both[0] instanceof List<?> list)) {
                    throw new TemplateException("template: join: wrong type for value; expected []string; got "
                            + typeName(both[0]));
                }
                yield String.join(string(name, both[1]), list.stream().map(item -> print(item, false)).toList());
            }
            case "title" -> title(string(name, one(name, arguments)));
            case "lower" -> string(name, one(name, arguments)).toLowerCase(java.util.Locale.ROOT);
            case "upper" -> string(name, one(name, arguments)).toUpperCase(java.util.Locale.ROOT);
            case "pad" -> {
                if (arguments.size() != 3) {
                    throw wrongCount(name, 3, arguments.size());
                }
                yield " ".repeat((int) integer(name, arguments.get(1))) + string(name, arguments.get(0))
                        + " ".repeat((int) integer(name, arguments.get(2)));
            }
            case "truncate" -> {
                Object[] both = two(name, arguments);
                String text = string(name, both[0]);
                int length = (int) integer(name, both[1]);
                yield text.codePointCount(0, text.length()) > length
                        ? text.substring(0, text.offsetByCodePoints(0, length)) : text;
            }
            default -> throw new TemplateException("template: function \"" + name + "\" not defined");
        };
    }

    /** Go's truth: false, zero, nil and empty strings, lists and maps are false; everything else true. */
    static boolean truth(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number number) {
            return number.doubleValue() != 0;
        }
        if (value instanceof CharSequence text) {
            return text.length() > 0;
        }
        if (value instanceof List<?> list) {
            return !list.isEmpty();
        }
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        return true;
    }

    /**
     * {@code value} as Go's {@code %v} prints it; {@code top}: as an action prints its value, where a missing one is
     * {@code <no value>} (inside a list or map Go writes {@code <nil>}).
     */
    static String print(Object value, boolean top) {
        if (value == null) {
            return top ? "<no value>" : "<nil>";
        }
        if (value instanceof Double || value instanceof Float) {
            return goFloat(((Number) value).doubleValue());
        }
        if (value instanceof List<?> list) {
            StringBuilder text = new StringBuilder("[");
            for (Object item : list) {
                text.append(text.length() > 1 ? " " : "").append(print(item, false));
            }
            return text.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder text = new StringBuilder("map[");
            new TreeMap<>(map).forEach((k, v) -> text.append(text.length() > 4 ? " " : "").append(k).append(':')
                    .append(print(v, false)));
            return text.append(']').toString();
        }
        if (value instanceof GoTemplate.Method) {
            return "<method>";
        }
        return value.toString();
    }

    /** Go's {@code %v} of a float64: the shortest text that reads back, exponent form from 1e21 or below 1e-4. */
    static String goFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e21) {
            return new java.math.BigDecimal(value).toPlainString();
        }
        double magnitude = Math.abs(value);
        if (magnitude < 1e-4 || magnitude >= 1e21) {
            String shortest = Double.toString(value);
            java.math.BigDecimal exact = new java.math.BigDecimal(shortest);
            int exponent = exact.precision() - exact.scale() - 1;
            String digits = exact.unscaledValue().abs().toString().replaceAll("0+$", "");
            String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    /** Go's {@code fmt.Sprint}: a space between two operands when neither is a string. */
    private static String sprint(List<Object> arguments) {
        StringBuilder text = new StringBuilder();
        Object previous = null;
        for (int i = 0; i < arguments.size(); i++) {
            Object argument = arguments.get(i);
            if (i > 0 && !(argument instanceof String) && !(previous instanceof String)) {
                text.append(' ');
            }
            text.append(print(argument, false));
            previous = argument;
        }
        return text.toString();
    }

    private static Object index(List<Object> arguments) {
        atLeast("index", arguments, 1);
        Object value = arguments.get(0);
        for (Object key : arguments.subList(1, arguments.size())) {
            if (value instanceof List<?> list) {
                long i = integer("index", key);
                if (i < 0 || i >= list.size()) {
                    throw new TemplateException("template: error calling index: index out of range: " + i);
                }
                value = list.get((int) i);
            } else if (value instanceof Map<?, ?> map) {
                value = map.get(key instanceof Long || key instanceof String ? key : print(key, false));
            } else if (value instanceof String text) {
                long i = integer("index", key);
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                if (i < 0 || i >= bytes.length) {
                    throw new TemplateException("template: error calling index: index out of range: " + i);
                }
                value = (long) (bytes[(int) i] & 0xff);
            } else if (value == null) {
                throw new TemplateException("template: error calling index: index of untyped nil");
            } else {
                throw new TemplateException("template: error calling index: can't index item of type " + typeName(value));
            }
        }
        return value;
    }

    private static Object slice(List<Object> arguments) {
        atLeast("slice", arguments, 1);
        Object value = arguments.get(0);
        int size = value instanceof List<?> list ? list.size() : value instanceof String text ? text.length() : -1;
        if (size < 0) {
            throw new TemplateException("template: error calling slice: can't slice item of type " + typeName(value));
        }
        int from = arguments.size() > 1 ? (int) integer("slice", arguments.get(1)) : 0;
        int to = arguments.size() > 2 ? (int) integer("slice", arguments.get(2)) : size;
        if (from < 0 || to < from || to > size) {
            throw new TemplateException("template: error calling slice: index out of range: " + from + ":" + to);
        }
        return value instanceof List<?> list ? List.copyOf(new ArrayList<>(list.subList(from, to)))
                : ((String) value).substring(from, to);
    }

    private static long length(Object value) {
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }
        if (value instanceof List<?> list) {
            return list.size();
        }
        if (value instanceof Map<?, ?> map) {
            return map.size();
        }
        throw new TemplateException("template: error calling len: len of type " + typeName(value));
    }

    private static int compare(String name, Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return (x instanceof Double || y instanceof Double || x instanceof Float || y instanceof Float)
                    ? Double.compare(x.doubleValue(), y.doubleValue()) : Long.compare(x.longValue(), y.longValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y && (name.equals("eq") || name.equals("ne"))) {
            return x.equals(y) ? 0 : 1;
        }
        if ((name.equals("eq") || name.equals("ne")) && (a == null || b == null)) {
            return Objects.equals(a, b) ? 0 : 1;
        }
        throw new TemplateException("template: error calling " + name + ": incompatible types for comparison");
    }

    private static String title(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean start = true;
        for (char c : text.toCharArray()) {
            out.append(start ? Character.toTitleCase(c) : c);
            start = !Character.isLetterOrDigit(c) && c != '_' && c != '\'';
        }
        return out.toString();
    }

    static long integer(String name, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        throw new TemplateException("template: error calling " + name + ": expected an integer; found "
                + print(value, false));
    }

    private static String string(String name, Object value) {
        if (value instanceof String text) {
            return text;
        }
        throw new TemplateException("template: error calling " + name + ": wrong type for value; expected string; got "
                + typeName(value));
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "<nil>";
        }
        if (value instanceof List<?>) {
            return "[]interface {}";
        }
        if (value instanceof Map<?, ?>) {
            return "map[string]interface {}";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Number) {
            return value instanceof Double ? "float64" : "int";
        }
        return "string";
    }

    private static Object one(String name, List<Object> arguments) {
        if (arguments.size() != 1) {
            throw wrongCount(name, 1, arguments.size());
        }
        return arguments.get(0);
    }

    private static Object[] two(String name, List<Object> arguments) {
        if (arguments.size() != 2) {
            throw wrongCount(name, 2, arguments.size());
        }
        return arguments.toArray();
    }

    private static void atLeast(String name, List<Object> arguments, int count) {
        if (arguments.size() < count) {
            throw new TemplateException("template: wrong number of args for " + name + ": want at least "
                    + count + " got " + arguments.size());
        }
    }

    private static TemplateException wrongCount(String name, int want, int got) {
        return new TemplateException("template: wrong number of args for " + name + ": want " + want + " got " + got);
    }
}
