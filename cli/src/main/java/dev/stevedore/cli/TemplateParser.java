package dev.stevedore.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Go text/template (https://pkg.go.dev/text/template) into {@link TemplateNode}s: text, actions with
 * pipelines, {@code if}/{@code else if}/{@code else}, {@code range} (with {@code $i, $e :=}, {@code break},
 * {@code continue}), {@code with}, variables, comments and the {@code {{-}} / {@code -}}} trim markers. {@code define},
 * {@code template} and {@code block} are refused by name: docker's formats never need them. Errors read as Go's
 * ({@code template: :LINE: ...}), so a user who searches for one finds docker's.
 */
final class TemplateParser {
    private final String text;
    private int pos;
    /** The tokens of the action being read, and the next one to take. */
    private List<Token> tokens;
    private int next;
    private int actionLine;
    /** Whether white space came before the token being lexed. */
    private boolean spaced;

    private TemplateParser(String text) {
        this.text = text;
    }

    /** The nodes of {@code text}; an {@link IllegalArgumentException} in Go's words when it is malformed. */
    static List<TemplateNode> parse(String text) {
        TemplateParser parser = new TemplateParser(text);
        List<TemplateNode> nodes = new ArrayList<>();
        String end = parser.list(nodes);
        if (end != null) {
            throw parser.error("unexpected {{" + end + "}}");
        }
        return nodes;
    }

    /** {@code spaced}: white space came before it, so a field token starts an operand rather than chaining on one. */
    private record Token(Kind kind, String text, boolean spaced) {
    }

    private enum Kind { FIELD, DOT, VARIABLE, STRING, NUMBER, IDENTIFIER, LEFT, RIGHT, PIPE, DECLARE, ASSIGN, COMMA }

    /**
     * Reads nodes into {@code into} up to the end of the text (returns null) or to an {@code end}/{@code else}
     * action (returns its words, {@code "end"}, {@code "else"} or {@code "else if ..."}, with the tokens left to read).
     */
    private String list(List<TemplateNode> into) {
        while (pos < text.length()) {
            int open = text.indexOf("{{", pos);
            String literal = text.substring(pos, open < 0 ? text.length() : open);
            if (open < 0) {
                into.add(new TemplateNode.Text(literal));
                pos = text.length();
                break;
            }
            boolean trimLeft = text.startsWith("{{- ", open) || text.startsWith("{{-\t", open) || text.startsWith("{{-\n", open);
            if (trimLeft) {
                literal = literal.stripTrailing();
            }
            if (!literal.isEmpty()) {
                into.add(new TemplateNode.Text(literal));
            }
            actionLine = line(open);
            pos = open + (trimLeft ? 4 : 2);
            if (comment()) {
                continue;
            }
            lexAction();
            if (tokens.isEmpty()) {
                throw error("missing value for command");
            }
            Token first = tokens.get(0);
            if (first.kind == Kind.IDENTIFIER) {
                switch (first.text) {
                    case "end" -> {
                        expectOnly("end");
                        return "end";
                    }
                    case "else" -> {
                        next = 1;
                        return "else";
                    }
                    case "if", "range", "with" -> {
                        next = 1;
                        into.add(control(first.text));
                        continue;
                    }
                    case "break", "continue" -> {
                        expectOnly(first.text);
                        into.add(first.text.equals("break") ? new TemplateNode.Break() : new TemplateNode.Continue());
                        continue;
                    }
                    case "define", "template", "block" -> throw error("{{" + first.text + "}} is not supported by this engine's formats");
                    default -> {
                        // a function call: an ordinary action
                    }
                }
            }
            next = 0;
            into.add(new TemplateNode.Action(pipeline(true)));
            if (next < tokens.size()) {
                throw error("unexpected " + describe(tokens.get(next)) + " in command");
            }
        }
        return null;
    }

    /** {@code if}, {@code range} or {@code with}, its pipeline read from the current tokens, its lists and its end. */
    private TemplateNode control(String keyword) {
        TemplateNode.Pipeline pipeline = pipeline(true);
        if (next < tokens.size()) {
            throw error("unexpected " + describe(tokens.get(next)) + " in " + keyword);
        }
        List<TemplateNode> then = new ArrayList<>();
        List<TemplateNode> otherwise = new ArrayList<>();
        String end = list(then);
        if (end == null) {
            throw error("unexpected EOF: {{" + keyword + "}} has no {{end}}");
        }
        if (end.equals("else")) {
            if (next < tokens.size() && tokens.get(next).kind == Kind.IDENTIFIER
                    && (tokens.get(next).text.equals("if") || tokens.get(next).text.equals("with"))) {
                // {{else if ...}}: the rest of this control is a nested one that ends with the same {{end}}
                String nested = tokens.get(next).text;
                next++;
                otherwise.add(control(nested));
            } else {
                expectOnly("else");
                if (!"end".equals(list(otherwise))) {
                    throw error("unexpected EOF: {{" + keyword + "}} has no {{end}}");
                }
            }
        }
        return switch (keyword) {
            case "if" -> new TemplateNode.If(pipeline, then, otherwise);
            case "range" -> new TemplateNode.Range(pipeline, then, otherwise);
            default -> new TemplateNode.With(pipeline, then, otherwise);
        };
    }

    private void expectOnly(String keyword) {
        int expected = keyword.equals("else") ? next : 1;
        if (tokens.size() > expected) {
            throw error("unexpected " + describe(tokens.get(expected)) + " in " + keyword);
        }
    }

    /** A pipeline from the current tokens: declarations, then commands separated by {@code |}, to a {@code )} or the end. */
    private TemplateNode.Pipeline pipeline(boolean topLevel) {
        List<String> variables = new ArrayList<>();
        boolean declares = false;
        int start = next;
        if (next < tokens.size() && tokens.get(next).kind == Kind.VARIABLE) {
            int look = next;
            List<String> names = new ArrayList<>();
            names.add(tokens.get(look++).text);
            if (look < tokens.size() && tokens.get(look).kind == Kind.COMMA && look + 1 < tokens.size()
                    && tokens.get(look + 1).kind == Kind.VARIABLE) {
                names.add(tokens.get(look + 1).text);
                look += 2;
            }
            if (look < tokens.size() && (tokens.get(look).kind == Kind.DECLARE || tokens.get(look).kind == Kind.ASSIGN)) {
                declares = tokens.get(look).kind == Kind.DECLARE;
                variables = names;
                next = look + 1;
                if (!declares && names.size() > 1) {
                    throw error("only one variable may be assigned with =");
                }
            }
        }
        List<TemplateNode.Command> commands = new ArrayList<>();
        while (true) {
            List<TemplateNode.Operand> operands = new ArrayList<>();
            while (next < tokens.size() && tokens.get(next).kind != Kind.PIPE && tokens.get(next).kind != Kind.RIGHT) {
                operands.add(operand());
            }
            if (operands.isEmpty()) {
                throw error(next < tokens.size() ? "missing command before " + describe(tokens.get(next))
                        : "missing value for command");
            }
            commands.add(new TemplateNode.Command(operands));
            if (next < tokens.size() && tokens.get(next).kind == Kind.PIPE) {
                next++;
                continue;
            }
            break;
        }
        if (!topLevel && next < tokens.size() && tokens.get(next).kind != Kind.RIGHT) {
            throw error("unexpected " + describe(tokens.get(next)) + " in operand");
        }
        if (start == next) {
            throw error("missing value for command");
        }
        return new TemplateNode.Pipeline(variables, declares, commands);
    }

    /** One operand: a term, then the fields chained on it ({@code (index .Ports "80/tcp" 0).HostPort}, {@code $x.Name}). */
    private TemplateNode.Operand operand() {
        Token token = tokens.get(next++);
        TemplateNode.Operand term;
        switch (token.kind) {
            case DOT -> term = new TemplateNode.Dot();
            case FIELD -> {
                List<String> chain = new ArrayList<>();
                chain.add(token.text);
                while (next < tokens.size() && tokens.get(next).kind == Kind.FIELD && !tokens.get(next).spaced) {
                    chain.add(tokens.get(next++).text);
                }
                term = new TemplateNode.Field(new TemplateNode.Dot(), chain);
            }
            case VARIABLE -> term = new TemplateNode.Variable(token.text);
            case STRING -> term = new TemplateNode.Literal(token.text);
            case NUMBER -> term = new TemplateNode.Literal(number(token.text));
            case IDENTIFIER -> term = switch (token.text) {
                case "true" -> new TemplateNode.Literal(Boolean.TRUE);
                case "false" -> new TemplateNode.Literal(Boolean.FALSE);
                case "nil" -> new TemplateNode.Literal(null);
                default -> new TemplateNode.Function(token.text);
            };
            case LEFT -> {
                TemplateNode.Pipeline inner = pipeline(false);
                if (next >= tokens.size() || tokens.get(next).kind != Kind.RIGHT) {
                    throw error("unclosed left paren");
                }
                next++;
                term = new TemplateNode.Parenthesized(inner);
            }
            default -> throw error("unexpected " + describe(token) + " in operand");
        }
        if (next < tokens.size() && tokens.get(next).kind == Kind.FIELD && !tokens.get(next).spaced
                && !(term instanceof TemplateNode.Field) && !(term instanceof TemplateNode.Function)) {
            List<String> chain = new ArrayList<>();
            while (next < tokens.size() && tokens.get(next).kind == Kind.FIELD && !tokens.get(next).spaced) {
                chain.add(tokens.get(next++).text);
            }
            return new TemplateNode.Field(term, chain);
        }
        return term;
    }

    private Object number(String literal) {
        try {
            if (literal.startsWith("0x") || literal.startsWith("0X")) {
                return Long.parseLong(literal.substring(2).replace("_", ""), 16);
            }
            if (literal.matches("[+-]?\\d+")) {
                return Long.parseLong(literal);
            }
            return Double.parseDouble(literal);
        } catch (NumberFormatException e) {
            throw error("bad number syntax: \"" + literal + "\"");
        }
    }

    /** Skips a {@code {{/* ... *}{@code /}}} comment at {@code pos}; false when the action is not one. */
    private boolean comment() {
        if (!text.startsWith("/*", pos)) {
            return false;
        }
        int close = text.indexOf("*/", pos + 2);
        if (close < 0) {
            throw error("unclosed comment");
        }
        int after = close + 2;
        boolean trimRight = text.startsWith(" -}}", after);
        if (!trimRight && !text.startsWith("}}", after)) {
            throw error("comment ends before closing delimiter");
        }
        pos = after + (trimRight ? 4 : 2);
        if (trimRight) {
            skipSpace();
        }
        return true;
    }

    /** Reads the tokens of the action at {@code pos} up to its {@code }}} (after which {@code pos} is left). */
    private void lexAction() {
        tokens = new ArrayList<>();
        next = 0;
        spaced = true;
        while (true) {
            if (pos >= text.length()) {
                throw error("unclosed action");
            }
            int before = tokens.size();
            char c = text.charAt(pos);
            if (text.startsWith("}}", pos)) {
                pos += 2;
                return;
            }
            if (Character.isWhitespace(c)) {
                int start = pos;
                while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                    pos++;
                }
                if (text.startsWith("-}}", pos) && pos > start) {
                    pos += 3;
                    skipSpace();
                    return;
                }
                spaced = true;
                continue;
            }
            switch (c) {
                case '.' -> {
                    int start = ++pos;
                    while (pos < text.length() && isWordCharacter(text.charAt(pos))) {
                        pos++;
                    }
                    if (start == pos) {
                        tokens.add(new Token(Kind.DOT, ".", spaced));
                    } else if (Character.isDigit(text.charAt(start))) {
                        pos = start - 1;
                        tokens.add(new Token(Kind.NUMBER, numberText(), spaced));
                    } else {
                        tokens.add(new Token(Kind.FIELD, text.substring(start, pos), spaced));
                    }
                }
                case '$' -> {
                    int start = pos++;
                    while (pos < text.length() && isWordCharacter(text.charAt(pos))) {
                        pos++;
                    }
                    tokens.add(new Token(Kind.VARIABLE, text.substring(start, pos), spaced));
                }
                case '"' -> tokens.add(new Token(Kind.STRING, quoted(), spaced));
                case '`' -> {
                    int close = text.indexOf('`', pos + 1);
                    if (close < 0) {
                        throw error("unterminated raw quoted string");
                    }
                    tokens.add(new Token(Kind.STRING, text.substring(pos + 1, close), spaced));
                    pos = close + 1;
                }
                case '\'' -> {
                    int close = text.indexOf('\'', pos + 1);
                    if (close < 0 || close == pos + 1) {
                        throw error("unterminated character constant");
                    }
                    String body = unescape(text.substring(pos + 1, close));
                    tokens.add(new Token(Kind.NUMBER, Integer.toString(body.codePointAt(0)), spaced));
                    pos = close + 1;
                }
                case '(' -> add(Kind.LEFT, "(");
                case ')' -> add(Kind.RIGHT, ")");
                case '|' -> add(Kind.PIPE, "|");
                case ',' -> add(Kind.COMMA, ",");
                case '=' -> add(Kind.ASSIGN, "=");
                case ':' -> {
                    if (!text.startsWith(":=", pos)) {
                        throw error("expected :=");
                    }
                    pos++;
                    add(Kind.DECLARE, ":=");
                }
                default -> {
                    if (Character.isDigit(c) || ((c == '-' || c == '+') && pos + 1 < text.length()
                            && Character.isDigit(text.charAt(pos + 1)))) {
                        tokens.add(new Token(Kind.NUMBER, numberText(), spaced));
                    } else if (isWordCharacter(c)) {
                        int start = pos;
                        while (pos < text.length() && isWordCharacter(text.charAt(pos))) {
                            pos++;
                        }
                        tokens.add(new Token(Kind.IDENTIFIER, text.substring(start, pos), spaced));
                    } else {
                        throw error("unexpected \"" + c + "\" in command");
                    }
                }
            }
            if (tokens.size() > before) {
                spaced = false;
            }
        }
    }

    private void add(Kind kind, String token) {
        tokens.add(new Token(kind, token, spaced));
        pos++;
    }

    private String numberText() {
        int start = pos;
        if (text.charAt(pos) == '-' || text.charAt(pos) == '+') {
            pos++;
        }
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                || text.charAt(pos) == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private String quoted() {
        int i = pos + 1;
        while (i < text.length() && text.charAt(i) != '"') {
            if (text.charAt(i) == '\\') {
                i++;
            }
            if (i < text.length() && text.charAt(i) == '\n') {
                throw error("unterminated quoted string");
            }
            i++;
        }
        if (i >= text.length()) {
            throw error("unterminated quoted string");
        }
        String body = text.substring(pos + 1, i);
        pos = i + 1;
        return unescape(body);
    }

    private String unescape(String body) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\', '"', '\'' -> out.append(e);
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + digits > body.length() - 1) {
                        throw error("invalid syntax in escape \\" + e);
                    }
                    out.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + digits), 16));
                    i += digits;
                }
                default -> throw error("invalid syntax: unknown escape \\" + e);
            }
        }
        return out.toString();
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isWordCharacter(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static String describe(Token token) {
        return token.kind == Kind.STRING ? "quoted string" : "\"" + token.text + "\"";
    }

    private int line(int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private TemplateException error(String message) {
        return new TemplateException("template: :" + actionLine + ": " + message);
    }
}
