package dev.stevedore.engine.internal.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Dockerfile into {@link Instruction}s as Docker's parser does: parser directives ({@code # escape=})
 * only at the very top, whole-line comments dropped (also inside a continuation), lines continued by the escape
 * character, flags, the exec (JSON) form where an instruction allows it (invalid JSON is the shell form), and
 * here-documents for RUN, COPY and ADD. Variables are substituted later, when the instruction is built.
 */
public final class DockerfileParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Set<String> DIRECTIVES = Set.of("escape", "syntax", "check");
    // As BuildKit: a here-document starts a shell word (after an optional fd number), so $((1<<2)) is not one.
    private static final Pattern HEREDOC = Pattern.compile("(?<!\\S)\\d*<<(-?)\\s*(?:\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_.-]+))");
    private static final Pattern FLAG = Pattern.compile("--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\\S*))?");

    /** The flags each instruction accepts; any other is an error, as it is for Docker. */
    private static final Map<String, Set<String>> FLAGS = Map.ofEntries(
            Map.entry("FROM", Set.of("platform")),
            Map.entry("RUN", Set.of("mount", "network", "security")),
            Map.entry("COPY", Set.of("from", "chown", "chmod", "link", "parents", "exclude")),
            Map.entry("ADD", Set.of("chown", "chmod", "link", "checksum", "keep-git-dir", "exclude")),
            Map.entry("HEALTHCHECK", Set.of("interval", "timeout", "start-period", "start-interval", "retries")),
            Map.entry("ENV", Set.of()), Map.entry("ARG", Set.of()), Map.entry("WORKDIR", Set.of()),
            Map.entry("USER", Set.of()), Map.entry("EXPOSE", Set.of()), Map.entry("LABEL", Set.of()),
            Map.entry("CMD", Set.of()), Map.entry("ENTRYPOINT", Set.of()), Map.entry("VOLUME", Set.of()),
            Map.entry("STOPSIGNAL", Set.of()), Map.entry("SHELL", Set.of()), Map.entry("ONBUILD", Set.of()),
            Map.entry("MAINTAINER", Set.of()));
    private static final Set<String> JSON_FORMS = Set.of("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME");
    private static final Set<String> HEREDOC_FORMS = Set.of("RUN", "COPY", "ADD");

    private final String file;
    private final String[] lines;
    private int next;
    private char escape = '\\';

    private DockerfileParser(String file, String text) {
        this.file = file;
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.lines = body.replace("\r\n", "\n").split("\n", -1);
    }

    /**
     * Parses {@code text}; {@code file} names it in messages.
     *
     * @throws DockerfileException naming the file, line and instruction of the first problem
     */
    public static Dockerfile parse(String file, String text) {
        return new DockerfileParser(file, text).parse();
    }

    private Dockerfile parse() {
        directives();
        List<Instruction> instructions = new ArrayList<>();
        while (next < lines.length) {
            int start = next;
            String line = lines[next++];
            String trimmed = line.stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            StringBuilder logical = new StringBuilder();
            boolean continued = continues(trimmed);
            logical.append(continued ? withoutEscape(trimmed) : trimmed);
            while (continued && next < lines.length) {
                String more = lines[next++];
                String moreTrimmed = more.stripLeading();
                if (moreTrimmed.startsWith("#") || moreTrimmed.isEmpty()) {
                    continue; // comments and empty lines inside a continuation are dropped, as Docker does
                }
                continued = continues(more);
                logical.append(continued ? withoutEscape(more) : more);
            }
            instructions.add(instruction(logical.toString(), start + 1));
        }
        if (instructions.isEmpty()) {
            throw new DockerfileException(file, 1, null, "the file contains no instructions");
        }
        return new Dockerfile(file, instructions, escape);
    }

    private void directives() {
        Set<String> seen = new java.util.HashSet<>();
        while (next < lines.length) {
            Matcher m = DIRECTIVE.matcher(lines[next]);
            if (!m.matches()) {
                return;
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            if (!DIRECTIVES.contains(name)) {
                return; // an unknown directive is a comment, and it ends the directives
            }
            if (!seen.add(name)) {
                throw new DockerfileException(file, next + 1, lines[next], "only one " + name + " parser directive can be used");
            }
            if (name.equals("escape")) {
                String value = m.group(2);
                if (!value.equals("\\") && !value.equals("`")) {
                    throw new DockerfileException(file, next + 1, lines[next],
                            "invalid escape token '" + value + "': it must be ` or \\");
                }
                escape = value.charAt(0);
            }
            next++;
        }
    }

    private boolean continues(String line) {
        String stripped = line.stripTrailing();
        return !stripped.isEmpty() && stripped.charAt(stripped.length() - 1) == escape;
    }

    private String withoutEscape(String line) {
        String stripped = line.stripTrailing();
        return stripped.substring(0, stripped.length() - 1);
    }

    /**
     * Parses one ONBUILD trigger as stored in an image's config ({@code RUN echo hi}), for the build whose
     * {@code FROM} at {@code line} of {@code file} names that image.
     *
     * @throws DockerfileException when the trigger is not an instruction this builder can run there
     */
    public static Instruction trigger(String file, int line, String trigger, char escape) {
        DockerfileParser parser = new DockerfileParser(file, "");
        parser.escape = escape;
        return parser.triggerInstruction(trigger, line, "ONBUILD " + trigger);
    }

    private Instruction triggerInstruction(String trigger, int line, String text) {
        int space = indexOfWhitespace(trigger);
        String keyword = (space < 0 ? trigger : trigger.substring(0, space)).toUpperCase(Locale.ROOT);
        if (keyword.equals("ONBUILD")) {
            throw new DockerfileException(file, line, text, "chaining ONBUILD via ONBUILD ONBUILD isn't allowed");
        }
        if (keyword.equals("FROM") || keyword.equals("MAINTAINER")) {
            throw new DockerfileException(file, line, text, keyword + " isn't allowed as an ONBUILD trigger");
        }
        Instruction parsed = instruction(trigger, line, false);
        return new Instruction(parsed.keyword(), parsed.flags(), parsed.args(), parsed.json(), parsed.heredocs(), line, text);
    }

    private Instruction instruction(String text, int line) {
        return instruction(text, line, true);
    }

    private Instruction instruction(String text, int line, boolean heredocsAllowed) {
        int space = indexOfWhitespace(text);
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space).strip();
        Set<String> allowed = FLAGS.get(keyword);
        if (allowed == null) {
            throw new DockerfileException(file, line, text, "unknown instruction: " + keyword
                    + " — the instructions are " + String.join(", ", new java.util.TreeSet<>(FLAGS.keySet())));
        }
        List<Instruction.Flag> flags = new ArrayList<>();
        while (rest.startsWith("--")) {
            int end = indexOfWhitespace(rest);
            String word = end < 0 ? rest : rest.substring(0, end);
            if (word.equals("--")) {
                rest = end < 0 ? "" : rest.substring(end).strip();
                break;
            }
            Matcher m = FLAG.matcher(word);
            if (!m.matches()) {
                throw new DockerfileException(file, line, text, "malformed flag " + word);
            }
            if (!allowed.contains(m.group(1))) {
                throw new DockerfileException(file, line, text, "unknown flag: --" + m.group(1) + " for " + keyword
                        + (allowed.isEmpty() ? " (it takes no flags)" : " (it takes --" + String.join(", --", new java.util.TreeSet<>(allowed)) + ")"));
            }
            flags.add(new Instruction.Flag(m.group(1), m.group(2) == null ? "" : m.group(2)));
            rest = end < 0 ? "" : rest.substring(end).strip();
        }
        if (keyword.equals("ONBUILD") && !rest.isEmpty()) {
            triggerInstruction(rest, line, text); // a trigger is checked where it is written, not only where it runs
        }
        if (!heredocsAllowed && HEREDOC.matcher(rest).find()) {
            throw new DockerfileException(file, line, text, "here-documents are not allowed in ONBUILD triggers");
        }
        List<Instruction.Heredoc> heredocs = HEREDOC_FORMS.contains(keyword) ? heredocs(rest, line, text) : List.of();
        List<String> json = JSON_FORMS.contains(keyword) && heredocs.isEmpty() ? jsonArray(rest) : null;
        if (keyword.equals("SHELL") && json == null) {
            throw new DockerfileException(file, line, text, "SHELL requires the arguments to be in JSON form: SHELL [\"executable\", \"parameters\"]");
        }
        if (rest.isEmpty() && !keyword.equals("RUN") || keyword.equals("RUN") && rest.isEmpty() && heredocs.isEmpty()) {
            throw new DockerfileException(file, line, text, keyword + " requires at least one argument");
        }
        return new Instruction(keyword, flags, rest, json, heredocs, line, text);
    }

    private List<Instruction.Heredoc> heredocs(String args, int line, String text) {
        List<Instruction.Heredoc> docs = new ArrayList<>();
        Matcher m = HEREDOC.matcher(args);
        while (m.find()) {
            boolean chomp = !m.group(1).isEmpty();
            String quoted = m.group(2) != null ? m.group(2) : m.group(3);
            String name = quoted != null ? quoted : m.group(4);
            StringBuilder content = new StringBuilder();
            boolean closed = false;
            while (next < lines.length) {
                String body = lines[next++];
                String candidate = chomp ? body.replaceFirst("^\t+", "") : body;
                if (candidate.equals(name)) {
                    closed = true;
                    break;
                }
                content.append(candidate).append('\n');
            }
            if (!closed) {
                throw new DockerfileException(file, line, text, "here-document <<" + name + " is not closed by a line " + name);
            }
            docs.add(new Instruction.Heredoc(name, content.toString(), quoted == null, chomp));
        }
        return docs;
    }

    /** The elements of a JSON array of strings; {@code null} when the text is not one (then it is the shell form). */
    static List<String> jsonArray(String text) {
        if (!text.startsWith("[") || !text.endsWith("]")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isArray()) {
                return null;
            }
            List<String> values = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    return null;
                }
                values.add(element.textValue());
            }
            return values;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
