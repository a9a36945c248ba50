package dev.stevedore.engine.internal.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme such as {@code Bearer} or
 * {@code Basic} with its parameters ({@code realm}, {@code service}, {@code scope}, {@code error}).
 *
 * <p>A header may hold several challenges and a response several headers; {@link #parse(List)} reads
 * them all. Parameter names are case-insensitive and stored in lower case; quoted values are unescaped.
 *
 * @param scheme     the auth scheme as sent (compare with {@link #is(String)})
 * @param parameters the auth parameters, names in lower case
 * @param token68    the token68 form some schemes use instead of parameters; {@code null} when absent
 */
record AuthChallenge(String scheme, Map<String, String> parameters, String token68) {

    public AuthChallenge {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Whether this challenge has the given scheme (case-insensitive). */
    public boolean is(String name) {
        return scheme.equalsIgnoreCase(name);
    }

    /** A parameter's value, or {@code null}. */
    public String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    /** The scopes a Bearer challenge asks for ({@code scope} may list several, space separated). */
    public List<String> scopes() {
        String scope = parameter("scope");
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        return List.of(scope.trim().split(" +"));
    }

    /** Parses every challenge of every {@code WWW-Authenticate} header value; malformed tails are dropped. */
    public static List<AuthChallenge> parse(List<String> headerValues) {
        List<AuthChallenge> challenges = new ArrayList<>();
        for (String value : headerValues) {
            new Parser(value).parseInto(challenges);
        }
        return challenges;
    }

    /** Parses one header value. */
    public static List<AuthChallenge> parse(String headerValue) {
        return parse(List.of(headerValue));
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        void parseInto(List<AuthChallenge> out) {
            while (true) {
                skip(" \t,");
                if (i >= s.length()) {
                    return;
                }
                String scheme = token();
                if (scheme.isEmpty()) {
                    return; // not a challenge: give up on the rest rather than guess
                }
                Map<String, String> parameters = new LinkedHashMap<>();
                String token68 = null;
                skip(" \t");
                while (i < s.length()) {
                    int start = i;
                    String name = token();
                    skip(" \t");
                    if (name.isEmpty() || i >= s.length() || s.charAt(i) != '=') {
                        i = start; // the next challenge's scheme, or garbage
                        break;
                    }
                    i++;
                    skip(" \t");
                    if (i < s.length() && s.charAt(i) == '"') {
                        parameters.put(name.toLowerCase(Locale.ROOT), quoted());
                    } else {
                        String value = i < s.length() && s.charAt(i) == '=' ? "" : unquoted();
                        if (value.isEmpty() && parameters.isEmpty()) {
                            // "name=" or "name==": token68 padding, as in Basic's or Negotiate's token forms
                            StringBuilder padded = new StringBuilder(name).append('=');
                            while (i < s.length() && s.charAt(i) == '=') {
                                padded.append('=');
                                i++;
                            }
                            token68 = padded.toString();
                            break;
                        }
                        parameters.put(name.toLowerCase(Locale.ROOT), value);
                    }
                    skip(" \t");
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                        skip(" \t,");
                        continue;
                    }
                    break;
                }
                if (parameters.isEmpty() && token68 == null) {
                    int start = i;
                    String bare = token68Chars();
                    skip(" \t");
                    if (!bare.isEmpty() && (i >= s.length() || s.charAt(i) == ',')) {
                        token68 = bare;
                    } else {
                        i = start;
                    }
                }
                out.add(new AuthChallenge(scheme, parameters, token68));
            }
        }

        private void skip(String chars) {
            while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private String token() {
            int start = i;
            while (i < s.length() && isTokenChar(s.charAt(i))) {
                i++;
            }
            return s.substring(start, i);
        }

        /** An unquoted value: RFC 7235 allows only a token, but servers write URLs bare too, so read to ',' or space. */
        private String unquoted() {
            int start = i;
            while (i < s.length() && ", \t".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            return s.substring(start, i);
        }

        private String token68Chars() {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "-._~+/".indexOf(s.charAt(i)) >= 0)) {
                i++;
            }
            while (i < s.length() && s.charAt(i) == '=') {
                i++;
            }
            return s.substring(start, i);
        }

        private String quoted() {
            StringBuilder value = new StringBuilder();
            i++; // opening quote
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && i < s.length()) {
                    c = s.charAt(i++);
                }
                value.append(c);
            }
            return value.toString(); // unterminated: take what there is
        }

        private static boolean isTokenChar(char c) {
            return c < 127 && c > 32 && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0;
        }
    }
}
