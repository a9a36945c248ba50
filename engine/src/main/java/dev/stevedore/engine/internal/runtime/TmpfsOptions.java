package dev.stevedore.engine.internal.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Docker's {@code --tmpfs} option string ({@code size=64m,mode=1777,exec}) split as the launcher mounts it: the mount
 * flags, {@code noexec,nosuid,nodev} unless the options lift them, and the file system's own options.
 */
final class TmpfsOptions {
    private static final Set<String> FLAGS = Set.of("ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev");

    private TmpfsOptions() {
    }

    /** The mount flags, e.g. {@code "nosuid,nodev,noexec"}. */
    static String flags(String options) {
        Set<String> flags = new LinkedHashSet<>(List.of("nosuid", "nodev", "noexec"));
        for (String option : options.split(",")) {
            switch (option.trim()) {
                case "ro" -> flags.add("ro");
                case "rw" -> flags.remove("ro");
                case "exec" -> flags.remove("noexec");
                case "noexec" -> flags.add("noexec");
                case "suid" -> flags.remove("nosuid");
                case "nosuid" -> flags.add("nosuid");
                case "dev" -> flags.remove("nodev");
                case "nodev" -> flags.add("nodev");
                default -> { }
            }
        }
        return String.join(",", flags);
    }

    /** The file-system options (size, mode, uid, gid, ...), the flags taken out. */
    static String data(String options) {
        List<String> data = new ArrayList<>();
        for (String option : options.split(",")) {
            String o = option.trim();
            if (!o.isEmpty() && !FLAGS.contains(o)) {
                data.add(o);
            }
        }
        return String.join(",", data);
    }
}
