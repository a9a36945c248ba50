package dev.stevedore.engine.internal.build;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions that change only the image config (ENV, LABEL, EXPOSE, VOLUME, USER, CMD, ENTRYPOINT, SHELL,
 * STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER), applied to a stage's {@link ImageState}. Each returns the text
 * its history entry records.
 */
final class ConfigSteps {
    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private ConfigSteps() {
    }

    static List<String> shell(ImageState state) {
        List<String> shell = state.list("Shell");
        return shell.isEmpty() ? DEFAULT_SHELL : shell;
    }

    /** The command of a RUN, CMD or ENTRYPOINT: the exec form as written, the shell form through the stage's shell. */
    static List<String> command(ImageState state, Instruction instruction) {
        if (instruction.isJson()) {
            return instruction.json();
        }
        List<String> argv = new ArrayList<>(shell(state));
        argv.add(instruction.args());
        return argv;
    }

    /** {@code key=value} pairs ({@code ENV}, {@code LABEL}); the legacy {@code ENV key value} form too. */
    static List<String[]> pairs(Instruction instruction, ShellLex lex, boolean legacyAllowed, String file) {
        List<String> words = lex.words(instruction.args());
        List<String[]> pairs = new ArrayList<>();
        if (legacyAllowed && !words.isEmpty() && !words.get(0).contains("=")) {
            String rest = instruction.args().strip();
            int space = rest.indexOf(' ');
            if (space < 0) {
                throw new DockerfileException(file, instruction.line(), instruction.original(),
                        instruction.keyword() + " names " + words.get(0) + " without a value: write " + words.get(0) + "=value");
            }
            pairs.add(new String[] {words.get(0), lex.word(rest.substring(space + 1).strip())});
            return pairs;
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new DockerfileException(file, instruction.line(), instruction.original(),
                        instruction.keyword() + " expects key=value pairs, but \"" + word + "\" has no '='");
            }
            pairs.add(new String[] {word.substring(0, eq), word.substring(eq + 1)});
        }
        return pairs;
    }

    /** Applies a metadata instruction; returns its history text. */
    static String apply(ImageState state, Instruction instruction, ShellLex lex, StageFlags stage, String file) {
        String keyword = instruction.keyword();
        switch (keyword) {
            case "ENV" -> {
                StringBuilder text = new StringBuilder("ENV");
                for (String[] pair : pairs(instruction, lex, true, file)) {
                    state.setEnv(pair[0], pair[1]);
                    text.append(' ').append(pair[0]).append('=').append(pair[1]);
                }
                return text.toString();
            }
            case "LABEL" -> {
                StringBuilder text = new StringBuilder("LABEL");
                for (String[] pair : pairs(instruction, lex, false, file)) {
                    state.object("Labels").put(pair[0], pair[1]);
                    text.append(' ').append(pair[0]).append('=').append(pair[1]);
                }
                return text.toString();
            }
            case "MAINTAINER" -> {
                state.author(instruction.args()); // as dockerd's classic builder: the image's Author
                return "MAINTAINER " + instruction.args();
            }
            case "EXPOSE" -> {
                List<String> ports = lex.words(instruction.args());
                for (String port : ports) {
                    if (!port.matches("\\d+(-\\d+)?(/(tcp|udp|sctp))?")) {
                        throw new DockerfileException(file, instruction.line(), instruction.original(), "invalid port " + port);
                    }
                    state.object("ExposedPorts").putObject(port.contains("/") ? port : port + "/tcp");
                }
                return "EXPOSE " + String.join(" ", ports);
            }
            case "VOLUME" -> {
                List<String> volumes = instruction.isJson() ? instruction.json().stream().map(lex::word).toList()
                        : lex.words(instruction.args());
                volumes.forEach(v -> state.object("Volumes").putObject(v));
                return "VOLUME " + volumes;
            }
            case "USER" -> {
                String user = lex.word(instruction.args());
                state.runConfig().put("User", user);
                return "USER " + user;
            }
            case "STOPSIGNAL" -> {
                String signal = lex.word(instruction.args());
                state.runConfig().put("StopSignal", signal);
                return "STOPSIGNAL " + signal;
            }
            case "SHELL" -> {
                state.setList("Shell", instruction.json());
                return "SHELL " + goList(instruction.json());
            }
            case "CMD" -> {
                List<String> cmd = command(state, instruction);
                state.setList("Cmd", cmd);
                stage.cmdSet = true;
                return "CMD " + goList(cmd);
            }
            case "ENTRYPOINT" -> {
                List<String> entrypoint = command(state, instruction);
                state.setList("Entrypoint", entrypoint);
                if (!stage.cmdSet) {
                    state.runConfig().putNull("Cmd"); // ENTRYPOINT resets a CMD inherited from the base image
                }
                return "ENTRYPOINT " + goList(entrypoint);
            }
            case "ONBUILD" -> {
                JsonList.append(state.runConfig(), "OnBuild", instruction.args());
                return "ONBUILD " + instruction.args();
            }
            case "HEALTHCHECK" -> {
                healthcheck(state, instruction, file);
                return "HEALTHCHECK " + instruction.args();
            }
            default -> throw new IllegalArgumentException(keyword);
        }
    }

    private static void healthcheck(ImageState state, Instruction instruction, String file) {
        ObjectNode check = state.runConfig().putObject("Healthcheck");
        ArrayNode test = check.putArray("Test");
        String args = instruction.args().strip();
        if (args.equalsIgnoreCase("NONE")) {
            test.add("NONE");
            return;
        }
        if (!args.regionMatches(true, 0, "CMD", 0, 3)) {
            throw new DockerfileException(file, instruction.line(), instruction.original(), "HEALTHCHECK takes CMD or NONE");
        }
        String command = args.substring(3).strip();
        List<String> json = DockerfileParser.jsonArray(command);
        if (json != null) {
            test.add("CMD");
            json.forEach(test::add);
        } else {
            test.add("CMD-SHELL");
            test.add(command);
        }
        for (Instruction.Flag flag : instruction.flags()) {
            switch (flag.name()) {
                case "interval" -> check.put("Interval", nanos(flag.value(), instruction, file));
                case "timeout" -> check.put("Timeout", nanos(flag.value(), instruction, file));
                case "start-period" -> check.put("StartPeriod", nanos(flag.value(), instruction, file));
                case "start-interval" -> check.put("StartInterval", nanos(flag.value(), instruction, file));
                case "retries" -> check.put("Retries", Integer.parseInt(flag.value()));
                default -> { }
            }
        }
    }

    /** A Go duration ({@code 30s}, {@code 1m30s}) in nanoseconds. */
    static long nanos(String text, Instruction instruction, String file) {
        Matcher m = GO_DURATION.matcher(text);
        double total = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double value = Double.parseDouble(m.group(1));
            total += value * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            end = m.end();
        }
        if (end != text.length() || text.isEmpty()) {
            throw new DockerfileException(file, instruction.line(), instruction.original(), "invalid duration " + text
                    + " (write e.g. 30s, 1m30s)");
        }
        return (long) total;
    }

    /** Per-stage facts the instructions share. */
    static final class StageFlags {
        boolean cmdSet;
    }

    /** Appends to a JSON array field, making it when missing. */
    static final class JsonList {
        private JsonList() {
        }

        static void append(ObjectNode parent, String field, String value) {
            ArrayNode array = parent.get(field) instanceof ArrayNode a ? a : parent.putArray(field);
            array.add(value);
        }
    }

    /**
     * A list as docker records it in an image's history ({@code CMD ["cat" "/greeting"]}): Go's {@code %q} of a string
     * slice, so that {@code docker history} shows the same line for the same Dockerfile on either engine.
     */
    static String goList(List<String> values) {
        StringBuilder text = new StringBuilder("[");
        for (String value : values) {
            if (text.length() > 1) {
                text.append(' ');
            }
            text.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return text.append(']').toString();
    }
}
