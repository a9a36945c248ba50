package dev.stevedore.engine.internal.runtime.seccomp;

import dev.stevedore.engine.Capability;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which seccomp filter a container gets, from Docker's security options ({@code HostConfig.SecurityOpt},
 * {@code --security-opt}): none given or {@code seccomp=builtin} is Docker's default profile;
 * {@code seccomp=unconfined} is no filter; {@code seccomp=<JSON>} is that profile (as the Docker API carries
 * it: the CLI reads the file). The compiled programs are cached per JVM and, given a directory, on disk for the
 * JVMs after it (see {@link SeccompCache}), so a start pays only the launcher's {@code seccomp(2)} call.
 */
public final class SeccompPolicy {

    /** What {@code /info} lists: the filter every container gets unless told otherwise. */
    public static final String BUILTIN = "builtin";

    private static final Map<String, SeccompFilter> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 64;

    private SeccompPolicy() {
    }

    /**
     * The profile the options ask for; empty for {@code seccomp=unconfined}.
     *
     * @throws IllegalArgumentException when an option is not understood or the profile is invalid
     */
    public static Optional<SeccompProfile> profile(List<String> securityOpts) {
        return choice(securityOpts).map(c -> c.builtin() ? SeccompProfile.dockerDefault() : SeccompProfile.parse(c.json()));
    }

    /** What applies, in a word: {@code builtin}, {@code unconfined} or {@code custom}. */
    public static String describe(List<String> securityOpts) {
        profile(securityOpts); // validates a custom profile
        return choice(securityOpts).map(Choice::describe).orElse("unconfined");
    }

    /**
     * The compiled filter for a container with these options and capabilities on this host; empty when unconfined.
     *
     * @throws IllegalArgumentException when the options are invalid or this host's architecture has no syscall table
     */
    public static Optional<SeccompFilter> filter(List<String> securityOpts, Set<Capability> capabilities) {
        return filter(securityOpts, capabilities, null);
    }

    /**
     * {@link #filter(List, Set)}, keeping compiled programs in {@code cacheDirectory} (null: only in this JVM) for the
     * JVMs that come after this one: a short-lived one then neither parses nor compiles a profile (see
     * {@link SeccompCache}).
     */
    public static Optional<SeccompFilter> filter(List<String> securityOpts, Set<Capability> capabilities, Path cacheDirectory) {
        Optional<Choice> choice = choice(securityOpts);
        if (choice.isEmpty()) {
            return Optional.empty();
        }
        String arch = System.getProperty("os.arch");
        if (!SyscallTable.knows(arch)) { // the table itself is read only when a program is compiled
            throw new IllegalArgumentException("no system call table for " + arch
                    + " (the engine knows x86_64 and aarch64): run with seccomp=unconfined");
        }
        String kernel = System.getProperty("os.version");
        String describe = choice.get().describe();
        // the default profile's text is part of the compiler's identity (SeccompCache), so "builtin" names it
        String key = arch + "\n" + kernel + "\n" + Capability.mask(capabilities) + "\n"
                + (choice.get().builtin() ? BUILTIN : "custom\n" + choice.get().json());
        if (CACHE.size() > CACHE_LIMIT) {
            CACHE.clear(); // a JVM seldom sees more than a few profiles; one that makes up many starts again
        }
        Supplier<SeccompFilter> compile = () -> SeccompCompiler.compile(profile(securityOpts).orElseThrow(), capabilities,
                SyscallTable.host().orElseThrow(), kernel, describe);
        return Optional.of(CACHE.computeIfAbsent(key, k -> cacheDirectory == null
                ? compile.get() : SeccompCache.get(cacheDirectory, k, compile)));
    }

    /** What the options choose, unparsed: Docker's default profile, or a profile's JSON; empty for unconfined. */
    private record Choice(boolean builtin, String json) {
        String describe() {
            return builtin ? BUILTIN : "custom";
        }
    }

    private static Optional<Choice> choice(List<String> securityOpts) {
        Optional<Choice> chosen = Optional.of(new Choice(true, null));
        for (String option : securityOpts) {
            String[] kv = split(option);
            switch (kv[0]) {
                case "seccomp" -> {
                    String value = kv[1].trim();
                    if (value.equals("unconfined")) {
                        chosen = Optional.empty();
                    } else if (value.equals(BUILTIN) || value.isEmpty()) {
                        chosen = Optional.of(new Choice(true, null));
                    } else if (value.startsWith("{")) {
                        chosen = Optional.of(new Choice(false, value));
                    } else {
                        throw new IllegalArgumentException("security option seccomp=" + abbreviate(value)
                                + " is neither unconfined, builtin nor a JSON profile: give the profile's content (the "
                                + "docker and stevedore CLIs read a file named there; ContainerSpec.Builder.seccompProfile reads one)");
                    }
                }
                case "no-new-privileges" -> {
                    if (!kv[1].isEmpty() && !kv[1].equals("true")) {
                        throw new IllegalArgumentException("security option " + option + " is not supported: the embedded "
                                + "engine always sets no_new_privs (setuid binaries gain nothing)");
                    }
                }
                case "apparmor", "label" -> {
                    // these ask about an LSM the embedded engine does not apply; asking for less of it changes nothing
                    if (!kv[1].equals("unconfined") && !kv[1].equals("disable")) {
                        throw new IllegalArgumentException("security option " + option + " is not supported: the embedded "
                                + "engine applies no AppArmor or SELinux profile");
                    }
                }
                default -> throw new IllegalArgumentException("security option \"" + abbreviate(option)
                        + "\" is not supported (seccomp=unconfined|builtin|<JSON profile>, no-new-privileges)");
            }
        }
        return chosen;
    }

    /** Docker takes both {@code seccomp=x} and the older {@code seccomp:x}. */
    private static String[] split(String option) {
        int eq = option.indexOf('=');
        int colon = option.indexOf(':');
        int at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
        return at < 0 ? new String[] {option.trim(), ""} : new String[] {option.substring(0, at).trim(), option.substring(at + 1)};
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
