package dev.stevedore.engine.internal.runtime.seccomp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A seccomp profile in Docker's JSON format ({@code docker run --security-opt seccomp=PROFILE.json}):
 * {@code defaultAction} (and {@code defaultErrnoRet}), {@code syscalls} with {@code names} (or the older
 * {@code name}), {@code action}, {@code errnoRet}, {@code args} and {@code includes}/{@code excludes} by
 * capabilities, architectures and minimum kernel, and {@code flags}. {@code architectures} and
 * {@code archMap} are read and ignored: the filter covers the host's own architecture (see
 * {@link SeccompCompiler}). Unknown fields are ignored, as Docker does; fields of the wrong shape and
 * unknown actions or operators are errors that name the entry.
 *
 * @param text the profile as given, kept so that inspect can show it and caches can key on it
 */
public record SeccompProfile(Action defaultAction, List<Rule> syscalls, List<String> flags, String text) {


    public SeccompProfile {
        Objects.requireNonNull(defaultAction, "defaultAction");
        syscalls = List.copyOf(syscalls);
        flags = List.copyOf(flags);
        Objects.requireNonNull(text, "text");
    }

    /** What a rule (or the default) does to a call. */
    public enum Kind {
        ALLOW, ERRNO, KILL_THREAD, KILL_PROCESS, TRAP, TRACE, LOG
    }

    /** An action with its errno (ERRNO, TRACE). */
    public record Action(Kind kind, int errno) {
        /** The return value of a seccomp filter ({@code SECCOMP_RET_*}). */
        int ret() {
            return switch (kind) {
                case ALLOW -> 0x7fff0000;
                case ERRNO -> 0x00050000 | (errno & 0xffff);
                case KILL_THREAD -> 0;
                case KILL_PROCESS -> 0x80000000;
                case TRAP -> 0x00030000;
                case TRACE -> 0x7ff00000 | (errno & 0xffff);
                case LOG -> 0x7ffc0000;
            };
        }
    }

    /** A comparison of one argument: {@code (arg op value)}, or for MASKED_EQ {@code (arg & value) == valueTwo}. */
    public record Arg(int index, long value, long valueTwo, Op op) {
        public Arg {
            if (index < 0 || index > 5) {
                throw new IllegalArgumentException("argument index " + index + " is outside 0..5");
            }
        }
    }

    /** libseccomp's comparison operators, as Docker names them ({@code SCMP_CMP_EQ}...). */
    public enum Op {
        NE, LT, LE, EQ, GE, GT, MASKED_EQ
    }

    /** When a rule applies: all of these capabilities, one of these architectures, at least this kernel. */
    public record Filter(List<String> caps, List<String> arches, String minKernel) {
        static final Filter NONE = new Filter(List.of(), List.of(), null);

        public Filter {
            caps = List.copyOf(caps);
            arches = List.copyOf(arches);
        }
    }

    /** One entry of {@code syscalls}. */
    public record Rule(List<String> names, Action action, List<Arg> args, Filter includes, Filter excludes) {
        public Rule {
            names = List.copyOf(names);
            args = List.copyOf(args);
        }
    }

    /** Docker's default profile, as this engine ships it ({@code default.json} beside this class). */
    public static SeccompProfile dockerDefault() {
        return Default.PROFILE;
    }

    /**
     * Reads a profile.
     *
     * @throws IllegalArgumentException naming what is wrong when {@code json} is not such a profile
     */
    public static SeccompProfile parse(String json) {
        JsonNode root;
        try {
            root = dev.stevedore.engine.internal.json.JsonTrees.read(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the seccomp profile is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the seccomp profile is not a JSON object");
        }
        if (!root.hasNonNull("defaultAction")) {
            throw new IllegalArgumentException("the seccomp profile has no defaultAction");
        }
        Integer defaultErrno = root.hasNonNull("defaultErrnoRet") ? number(root.get("defaultErrnoRet"), "defaultErrnoRet").intValue() : null;
        Action defaultAction = action(root.get("defaultAction"), defaultErrno, "defaultAction");
        List<Rule> rules = new ArrayList<>();
        JsonNode syscalls = root.path("syscalls");
        if (!syscalls.isMissingNode() && !syscalls.isNull() && !syscalls.isArray()) {
            throw new IllegalArgumentException("the seccomp profile's syscalls is not an array");
        }
        int i = 0;
        for (JsonNode entry : syscalls) {
            String where = "syscalls[" + i++ + "]";
            List<String> names = new ArrayList<>(strings(entry.path("names"), where + ".names"));
            if (entry.hasNonNull("name")) {
                names.add(entry.get("name").asText());
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("the seccomp profile's " + where + " names no system call");
            }
            Integer errno = entry.hasNonNull("errnoRet") ? number(entry.get("errnoRet"), where + ".errnoRet").intValue() : null;
            if (!entry.hasNonNull("action")) {
                throw new IllegalArgumentException("the seccomp profile's " + where + " has no action");
            }
            Action action = action(entry.get("action"), errno, where + ".action");
            List<Arg> args = new ArrayList<>();
            int a = 0;
            for (JsonNode arg : entry.path("args")) {
                String at = where + ".args[" + a++ + "]";
                args.add(new Arg(number(arg.path("index"), at + ".index").intValue(), number(arg.path("value"), at + ".value").longValue(),
                        arg.hasNonNull("valueTwo") ? number(arg.get("valueTwo"), at + ".valueTwo").longValue() : 0,
                        op(arg.path("op").asText(), at + ".op")));
            }
            rules.add(new Rule(names, action, args, filter(entry.path("includes"), where + ".includes"),
                    filter(entry.path("excludes"), where + ".excludes")));
        }
        List<String> flags = strings(root.path("flags"), "flags");
        for (String flag : flags) {
            if (!SeccompCompiler.FLAGS.containsKey(flag)) {
                throw new IllegalArgumentException("the seccomp profile's flag " + flag + " is not one of " + SeccompCompiler.FLAGS.keySet());
            }
        }
        return new SeccompProfile(defaultAction, rules, flags, json);
    }

    private static Action action(JsonNode node, Integer errno, String where) {
        String name = node.asText();
        Kind kind = switch (name) {
            case "SCMP_ACT_ALLOW" -> Kind.ALLOW;
            case "SCMP_ACT_ERRNO" -> Kind.ERRNO;
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> Kind.KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> Kind.KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> Kind.TRAP;
            case "SCMP_ACT_TRACE" -> Kind.TRACE;
            case "SCMP_ACT_LOG" -> Kind.LOG;
            case "SCMP_ACT_NOTIFY" -> throw new IllegalArgumentException("the seccomp profile's " + where
                    + " is SCMP_ACT_NOTIFY, which needs a listener agent this engine does not have");
            default -> throw new IllegalArgumentException("the seccomp profile's " + where + " \"" + name
                    + "\" is not an action (SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_PROCESS, _TRAP, _TRACE, _LOG)");
        };
        int e = errno != null ? errno : 1; // EPERM, as Docker and libseccomp's SCMP_ACT_ERRNO default
        if (e < 0 || e > 0xffff) {
            throw new IllegalArgumentException("the seccomp profile's " + where + " errno " + e + " is outside 0..65535");
        }
        return new Action(kind, e);
    }

    private static Op op(String name, String where) {
        String bare = name.startsWith("SCMP_CMP_") ? name.substring(9) : "";
        try {
            return Op.valueOf(bare);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the seccomp profile's " + where + " \"" + name
                    + "\" is not an operator (SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ)", e);
        }
    }

    private static Filter filter(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return Filter.NONE;
        }
        List<String> caps = strings(node.path("caps"), where + ".caps").stream().map(c -> c.toUpperCase(Locale.ROOT)).toList();
        String minKernel = node.hasNonNull("minKernel") ? node.get("minKernel").asText() : null;
        if (minKernel != null && !minKernel.matches("\\d+\\.\\d+")) {
            throw new IllegalArgumentException("the seccomp profile's " + where + ".minKernel \"" + minKernel + "\" is not MAJOR.MINOR");
        }
        return new Filter(caps, strings(node.path("arches"), where + ".arches"), minKernel);
    }

    private static List<String> strings(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("the seccomp profile's " + where + " is not an array of strings");
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Number number(JsonNode node, String where) {
        if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0 || node.bigIntegerValue().bitLength() > 64) {
            throw new IllegalArgumentException("the seccomp profile's " + where + " is not a number from 0 to 2^64-1");
        }
        return node.bigIntegerValue().longValue();
    }

    private static final class Default {
        static final SeccompProfile PROFILE = load();

        private static SeccompProfile load() {
            try (InputStream in = SeccompProfile.class.getResourceAsStream("default.json")) {
                if (in == null) {
                    throw new IllegalStateException("the engine's jar lacks the default seccomp profile");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the default seccomp profile", e);
            }
        }
    }
}
