package dev.stevedore.engine.internal.build;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of a {@code .dockerignore} file, matched as Docker matches them: lines starting with {@code #} are
 * comments, patterns are trimmed and cleaned ({@code a/./b/../c} is {@code a/c}, a leading {@code /} goes),
 * {@code *}, {@code ?} and {@code [...]} match within one path element, {@code **} any number of elements,
 * {@code !} re-includes; the last pattern that matches a path decides, and a pattern that matches a directory
 * matches everything below it.
 */
public final class IgnoreMatcher {
    /** No rules: nothing is excluded. */
    public static final IgnoreMatcher NONE = new IgnoreMatcher(List.of());

    private record Rule(String pattern, Pattern regex, boolean exclusion) {
    }

    private final List<Rule> rules;

    private IgnoreMatcher(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules of a {@code .dockerignore} file's text. */
    public static IgnoreMatcher parse(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            if (raw.startsWith("#")) {
                continue;
            }
            String pattern = trimSpace(raw);
            if (pattern.isEmpty()) {
                continue;
            }
            boolean exclusion = pattern.startsWith("!");
            if (exclusion) {
                pattern = trimSpace(pattern.substring(1));
                if (pattern.isEmpty()) {
                    throw new IllegalArgumentException(".dockerignore: illegal exclusion pattern \"!\"");
                }
            }
            pattern = clean(pattern);
            if (pattern.startsWith("/")) {
                pattern = pattern.length() == 1 ? "." : pattern.substring(1);
            }
            rules.add(new Rule(pattern, compile(pattern), exclusion));
        }
        return new IgnoreMatcher(rules);
    }

    /**
     * Go's {@code strings.TrimSpace}, which Docker trims patterns with: Java's {@code strip()} also takes control
     * characters such as U+001E that Go keeps (and a pattern ending in one would then never match its file).
     */
    static String trimSpace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && goSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && goSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean goSpace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000B', '\f', '\r', ' ', '\u0085', '\u00A0' -> true;
            default -> Character.getType(c) == Character.SPACE_SEPARATOR || c == '\u2028' || c == '\u2029';
        };
    }

    /** Whether there are exception ({@code !}) rules: then an excluded directory must still be walked. */
    public boolean hasExceptions() {
        return rules.stream().anyMatch(Rule::exclusion);
    }

    /** Whether the context path {@code path} (relative, {@code /}-separated) is left out of the build context. */
    public boolean excludes(String path) {
        String file = clean(path);
        boolean excluded = false;
        for (Rule rule : rules) {
            if (excluded == !rule.exclusion()) {
                continue; // this rule cannot change the outcome
            }
            if (matchesOrParentMatches(rule, file)) {
                excluded = !rule.exclusion();
            }
        }
        return excluded;
    }

    private static boolean matchesOrParentMatches(Rule rule, String file) {
        if (rule.regex().matcher(file).matches()) {
            return true;
        }
        String parent = file;
        int slash;
        while ((slash = parent.lastIndexOf('/')) > 0) {
            parent = parent.substring(0, slash);
            if (rule.regex().matcher(parent).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Go's {@code filepath.Clean} for slash-separated paths. */
    static String clean(String path) {
        boolean absolute = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
                    parts.remove(parts.size() - 1);
                } else if (!absolute) {
                    parts.add(part);
                }
                continue;
            }
            parts.add(part);
        }
        String joined = String.join("/", parts);
        return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
    }

    private static Pattern compile(String pattern) {
        StringBuilder regex = new StringBuilder();
        int n = pattern.length();
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                if (i + 1 < n && pattern.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < n && pattern.charAt(i + 1) == '/') {
                        i++;
                    }
                    regex.append(i + 1 >= n ? ".*" : "(.*/)?");
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[') {
                int close = pattern.indexOf(']', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException(".dockerignore: syntax error in pattern " + pattern);
                }
                String set = pattern.substring(i + 1, close);
                if (set.startsWith("^") || set.startsWith("!")) {
                    set = "^" + set.substring(1);
                }
                regex.append('[').append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                i = close;
            } else if (c == '\\' && i + 1 < n) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
