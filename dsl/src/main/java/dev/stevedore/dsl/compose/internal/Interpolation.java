package dev.stevedore.dsl.compose.internal;

import dev.stevedore.dsl.compose.ComposeFileException;
import java.util.function.Function;

/**
 * Compose's variable substitution in a value: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}} (unset or
 * empty), {@code ${VAR-default}} (unset), {@code ${VAR:?message}} / {@code ${VAR?message}} (an error), {@code $$}
 * for a literal {@code $}. Defaults may themselves hold variables.
 */
final class Interpolation {

    private Interpolation() {
    }

    /**
     * {@code value} with its variables replaced from {@code lookup} (which answers {@code null} for an unset one).
     *
     * @param where the place of the value in the file, for messages
     */
    static String apply(String value, Function<String, String> lookup, String where) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c != '$' || i + 1 == value.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = value.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int end = closingBrace(value, i + 2);
                if (end < 0) {
                    throw new ComposeFileException(where + ": \"" + value + "\" has a ${ without its closing }");
                }
                out.append(braced(value.substring(i + 2, end), lookup, where));
                i = end + 1;
            } else if (isNameStart(next)) {
                int end = i + 1;
                while (end < value.length() && isNamePart(value.charAt(end))) {
                    end++;
                }
                String found = lookup.apply(value.substring(i + 1, end));
                out.append(found == null ? "" : found);
                i = end;
            } else {
                throw new ComposeFileException(where + ": \"" + value + "\" has a $ that starts no variable; write $$ for a literal $");
            }
        }
        return out.toString();
    }

    private static String braced(String expression, Function<String, String> lookup, String where) {
        int nameEnd = 0;
        while (nameEnd < expression.length() && isNamePart(expression.charAt(nameEnd))) {
            nameEnd++;
        }
        String name = expression.substring(0, nameEnd);
        if (name.isEmpty() || !isNameStart(name.charAt(0))) {
            throw new ComposeFileException(where + ": \"${" + expression + "}\" names no variable");
        }
        String rest = expression.substring(nameEnd);
        String value = lookup.apply(name);
        if (rest.isEmpty()) {
            return value == null ? "" : value;
        }
        boolean colon = rest.startsWith(":");
        String operator = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.substring(0, 1);
        String argument = rest.substring(operator.length());
        boolean missing = value == null || (colon && value.isEmpty());
        switch (operator) {
            case ":-":
            case "-":
                return missing ? apply(argument, lookup, where) : value;
            case ":+":
            case "+":
                return missing ? "" : apply(argument, lookup, where);
            case ":?":
            case "?":
                if (missing) {
                    throw new ComposeFileException(where + ": variable " + name + " is "
                            + (value == null ? "not set" : "empty") + ": " + apply(argument, lookup, where));
                }
                return value;
            default:
                throw new ComposeFileException(where + ": \"${" + expression + "}\" is not a substitution Compose knows "
                        + "(use ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error})");
        }
    }

    private static int closingBrace(String value, int from) {
        int depth = 1;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
