package dev.stevedore.engine;

import java.util.List;
import java.util.Locale;

/**
 * One {@code --ulimit}: a resource limit (rlimit) of the container's processes, as Docker writes it,
 * {@code nofile=1024:2048} (soft:hard; the soft one alone sets both; {@code -1} for unlimited). Lowering a limit
 * always works; raising a hard limit above the host's needs {@code CAP_SYS_RESOURCE} over the host, which the
 * rootful launcher has and a rootless one has not: there the start fails, naming the limit.
 *
 * @param name     Docker's name of the resource ({@code nofile}, {@code nproc}, {@code core}, ...)
 * @param soft     the soft limit, {@link #UNLIMITED} for none
 * @param hard     the hard limit, {@link #UNLIMITED} for none
 */
public record Ulimit(String name, long soft, long hard) {
    /** No limit, as Docker writes it. */
    public static final long UNLIMITED = -1;

    /** Docker's names in the kernel's order: the index is the {@code RLIMIT_*} number (the same on x86_64 and arm64). */
    private static final List<String> NAMES = List.of("cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
            "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime");

    public Ulimit {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("invalid ulimit type: " + name + " (one of " + String.join(", ", NAMES) + ")");
        }
        if (soft < UNLIMITED || hard < UNLIMITED) {
            throw new IllegalArgumentException("ulimit " + name + ": a limit is a number from 0, or -1 for unlimited");
        }
        if (hard != UNLIMITED && (soft == UNLIMITED || soft > hard)) {
            throw new IllegalArgumentException("ulimit " + name + ": the soft limit " + soft
                    + " must be less than or equal to the hard limit " + hard);
        }
    }

    /** Parses Docker's {@code name=soft[:hard]}. */
    public static Ulimit parse(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("invalid ulimit argument: \"" + text + "\" (use name=soft[:hard], e.g. nofile=1024:2048)");
        }
        String name = text.substring(0, equals).strip().toLowerCase(Locale.ROOT);
        String[] values = text.substring(equals + 1).split(":", -1);
        if (values.length > 2) {
            throw new IllegalArgumentException("too many limit value arguments in \"" + text + "\": use soft[:hard]");
        }
        try {
            long soft = Long.parseLong(values[0].strip());
            return new Ulimit(name, soft, values.length == 2 ? Long.parseLong(values[1].strip()) : soft);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid ulimit argument: \"" + text + "\": the limits must be numbers");
        }
    }

    /** The kernel's {@code RLIMIT_*} number. */
    public int resource() {
        return NAMES.indexOf(name);
    }

    /** As Docker writes it: {@code nofile=1024:2048}. */
    @Override
    public String toString() {
        return name + "=" + soft + ":" + hard;
    }
}
