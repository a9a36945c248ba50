package dev.stevedore.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Go's {@code fmt.Sprintf} for the {@code printf} template function: the verbs {@code %v %s %q %d %t %f %e %g %x %X
 * %o %b %c %%} with flags ({@code - + 0 space}), width and precision; a missing argument prints as Go prints it
 * ({@code %!d(MISSING)}).
 */
final class GoFormat {
    private GoFormat() {
    }

    static String sprintf(String format, List<Object> arguments) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean left = false;
            boolean plus = false;
            boolean zero = false;
            boolean space = false;
            for (; i < format.length() && "-+0 #".indexOf(format.charAt(i)) >= 0; i++) {
                switch (format.charAt(i)) {
                    case '-' -> left = true;
                    case '+' -> plus = true;
                    case '0' -> zero = true;
                    case ' ' -> space = true;
                    default -> {
                        // '#': alternate forms are not needed by any docker format
                    }
                }
            }
            int width = -1;
            int start = i;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = Integer.parseInt(format.substring(start, i));
            }
            int precision = -1;
            if (i < format.length() && format.charAt(i) == '.') {
                start = ++i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                precision = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (next >= arguments.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object argument = arguments.get(next++);
            String body = body(verb, argument, precision, plus, space);
            out.append(pad(body, width, left, zero && !left && verb != 's' && verb != 'q' && verb != 'v'));
        }
        if (next < arguments.size()) {
            out.append("%!(EXTRA ");
            for (int extra = next; extra < arguments.size(); extra++) {
                out.append(extra > next ? ", " : "").append(TemplateFunctions.print(arguments.get(extra), false));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String body(char verb, Object argument, int precision, boolean plus, boolean space) {
        switch (verb) {
            case 'v', 's' -> {
                String text = TemplateFunctions.print(argument, false);
                return precision >= 0 && text.length() > precision ? text.substring(0, precision) : text;
            }
            case 'q' -> {
                return argument instanceof String text ? Json.quoted(text) : bad(verb, argument);
            }
            case 't' -> {
                return argument instanceof Boolean ? argument.toString() : bad(verb, argument);
            }
            case 'd', 'x', 'X', 'o', 'b', 'c' -> {
                if (argument instanceof String text && (verb == 'x' || verb == 'X')) {
                    StringBuilder hex = new StringBuilder();
                    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                        hex.append(String.format(verb == 'x' ? "%02x" : "%02X", b & 0xff));
                    }
                    return hex.toString();
                }
                if (!(argument instanceof Long || argument instanceof Integer)) {
                    return bad(verb, argument);
                }
                long value = ((Number) argument).longValue();
                String digits = switch (verb) {
                    case 'x' -> Long.toHexString(Math.abs(value));
                    case 'X' -> Long.toHexString(Math.abs(value)).toUpperCase(Locale.ROOT);
                    case 'o' -> Long.toOctalString(Math.abs(value));
                    case 'b' -> Long.toBinaryString(Math.abs(value));
                    case 'c' -> new String(Character.toChars((int) value));
                    default -> Long.toString(Math.abs(value));
                };
                if (verb == 'c') {
                    return digits;
                }
                return (value < 0 ? "-" : plus ? "+" : space ? " " : "") + digits;
            }
            case 'f', 'F', 'e', 'E', 'g', 'G' -> {
                if (!(argument instanceof Number number)) {
                    return bad(verb, argument);
                }
                double value = number.doubleValue();
                String text;
                if ((verb == 'g' || verb == 'G') && precision < 0) {
                    text = TemplateFunctions.goFloat(value);
                } else {
                    String java = "%." + (precision < 0 ? 6 : precision) + Character.toLowerCase(verb);
                    text = String.format(Locale.ROOT, java, value);
                    if (verb == 'e' || verb == 'E') {
                        // Java writes e+05, as Go does, but e+5 never; keep two exponent digits at least
                        text = text.replaceAll("e([+-])(\\d)$", "e$10$2");
                    }
                }
                if (Character.isUpperCase(verb)) {
                    text = text.toUpperCase(Locale.ROOT);
                }
                return (value >= 0 && plus ? "+" : value >= 0 && space ? " " : "") + text;
            }
            default -> {
                return "%!" + verb + "(" + typed(argument) + ")";
            }
        }
    }

    private static String bad(char verb, Object argument) {
        return "%!" + verb + "(" + typed(argument) + ")";
    }

    private static String typed(Object argument) {
        String type = argument == null ? "<nil>" : argument instanceof String ? "string" : argument instanceof Boolean ? "bool"
                : argument instanceof Double ? "float64" : argument instanceof Number ? "int" : argument instanceof java.util.List
                ? "[]interface {}" : "map[string]interface {}";
        return argument == null ? type : type + "=" + TemplateFunctions.print(argument, false);
    }

    private static String pad(String body, int width, boolean left, boolean zero) {
        int length = body.codePointCount(0, body.length());
        if (width <= length) {
            return body;
        }
        String fill = (zero ? "0" : " ").repeat(width - length);
        if (left) {
            return body + fill;
        }
        if (zero && (body.startsWith("-") || body.startsWith("+"))) {
            return body.charAt(0) + fill + body.substring(1);
        }
        return fill + body;
    }
}
