package dev.stevedore.engine.internal.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Substitutes variables in instruction arguments as Docker's builder does: {@code $X}, {@code ${X}},
 * {@code ${X:-default}}, {@code ${X-default}}, {@code ${X:+alt}}, {@code ${X+alt}}, {@code ${X:?message}};
 * single quotes keep text literal, double quotes allow substitution, the escape character escapes the next one.
 * Records which variables were looked up, so the step cache knows which build args a step uses.
 */
public final class ShellLex {
    private final char escape;
    private final Function<String, String> lookup;
    private final Set<String> used = new java.util.LinkedHashSet<>();

    /** @param variables the variables in scope; an absent one substitutes as empty */
    public ShellLex(char escape, Map<String, String> variables) {
        this.escape = escape;
        this.lookup = variables::get;
    }

    /** The names this lexer looked up so far. */
    public Set<String> used() {
        return used;
    }

    /** The text with variables substituted and quotes removed, as one word (whitespace kept). */
    public String word(String text) {
        List<String> words = process(text, false);
        return words.isEmpty() ? "" : words.get(0);
    }

    /** The text split into words at unquoted whitespace, variables substituted and quotes removed. */
    public List<String> words(String text) {
        return process(text, true);
    }

    private List<String> process(String text, boolean split) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (split && Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unexpected end of statement while looking for matching single-quote");
                }
                word.append(text, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(text, i + 1, word);
                inWord = true;
            } else if (c == escape) {
                if (i + 1 < n) {
                    word.append(text.charAt(i + 1));
                    i += 2;
                } else {
                    i++;
                }
                inWord = true;
            } else if (c == '$') {
                int before = word.length();
                i = variable(text, i + 1, word);
                inWord |= word.length() > before || !split;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord || !split) {
            words.add(word.toString());
        }
        return words;
    }

    private int doubleQuoted(String text, int i, StringBuilder word) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == escape && i + 1 < n && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '$' || text.charAt(i + 1) == escape)) {
                word.append(text.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                i = variable(text, i + 1, word);
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unexpected end of statement while looking for matching double-quote");
    }

    /** Substitutes the variable after a {@code $} at {@code i}; returns the index after it. */
    private int variable(String text, int i, StringBuilder out) {
        int n = text.length();
        if (i >= n) {
            out.append('$');
            return i;
        }
        char c = text.charAt(i);
        if (c == '{') {
            int close = matchingBrace(text, i);
            String inner = text.substring(i + 1, close);
            int nameEnd = 0;
            while (nameEnd < inner.length() && isNameChar(inner.charAt(nameEnd))) {
                nameEnd++;
            }
            String name = inner.substring(0, nameEnd);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("bad substitution ${" + inner + "}");
            }
            String value = get(name);
            String modifier = inner.substring(nameEnd);
            if (modifier.isEmpty()) {
                out.append(value == null ? "" : value);
            } else {
                boolean colon = modifier.startsWith(":");
                String op = colon ? modifier.substring(1) : modifier;
                if (op.isEmpty()) {
                    throw new IllegalArgumentException("bad substitution ${" + inner + "}");
                }
                char kind = op.charAt(0);
                String operand = word(op.substring(1));
                boolean unset = value == null || colon && value.isEmpty();
                switch (kind) {
                    case '-' -> out.append(unset ? operand : value);
                    case '+' -> out.append(unset ? "" : operand);
                    case '?' -> {
                        if (unset) {
                            throw new IllegalArgumentException(name + ": " + (operand.isEmpty() ? "is not allowed to be unset" : operand));
                        }
                        out.append(value);
                    }
                    default -> throw new IllegalArgumentException("unsupported modifier (" + kind + ") in substitution ${" + inner + "}");
                }
            }
            return close + 1;
        }
        if (isNameChar(c) && !Character.isDigit(c)) {
            int end = i;
            while (end < n && isNameChar(text.charAt(end))) {
                end++;
            }
            String value = get(text.substring(i, end));
            out.append(value == null ? "" : value);
            return end;
        }
        out.append('$');
        return i;
    }

    private String get(String name) {
        used.add(name);
        return lookup.apply(name);
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("missing '}' in " + text.substring(open - 1));
    }

    private static boolean isNameChar(char c) {
        return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
