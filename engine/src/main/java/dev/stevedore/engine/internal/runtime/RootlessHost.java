package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.os.Privileges;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an ordinary user needs for rootless containers, checked once when a rootless engine opens: user
 * namespaces enabled, {@code newuidmap}/{@code newgidmap} (Debian's {@code uidmap}) and a subordinate id range in
 * {@code /etc/subuid} and {@code /etc/subgid}. Without a range the engine runs with a single id (container root
 * only), said once as a warning naming the fix.
 *
 * @param mapping   the ids the user's namespace maps
 * @param newuidmap the setuid helper that writes the uid map; {@code null} in the single-id case
 * @param newgidmap the setuid helper that writes the gid map; {@code null} in the single-id case
 * @param warning   the one-line warning for the single-id fallback; {@code null} when there is a range
 */
public record RootlessHost(IdMapping mapping, Path newuidmap, Path newgidmap, String warning) {
    private static final List<Path> BIN = List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/bin"), Path.of("/sbin"));

    /** The facts a check reads, so that tests can give it any machine. */
    public interface Facts {
        String userName();

        long uid();

        long gid();

        /** The content of a file such as {@code /etc/subuid}, empty when it is missing. */
        String read(Path file);

        /** The helper by name, if installed. */
        Optional<Path> program(String name);
    }

    /**
     * Checks this machine for this user.
     *
     * @throws ContainerEngineException naming what is missing and the fix
     */
    public static RootlessHost check() {
        return check(systemFacts());
    }

    static RootlessHost check(Facts facts) {
        List<String> missing = new ArrayList<>();
        String max = facts.read(Path.of("/proc/sys/user/max_user_namespaces")).strip();
        if (max.equals("0")) {
            missing.add("user namespaces are disabled (user.max_user_namespaces is 0): enable them with "
                    + "'sudo sysctl -w user.max_user_namespaces=28633' (and in /etc/sysctl.d to keep it)");
        }
        String clone = facts.read(Path.of("/proc/sys/kernel/unprivileged_userns_clone")).strip();
        if (clone.equals("0")) {
            missing.add("unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone is 0): enable them with "
                    + "'sudo sysctl -w kernel.unprivileged_userns_clone=1' (and in /etc/sysctl.d to keep it)");
        }
        String restricted = facts.read(Path.of("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")).strip();
        if (restricted.equals("1")) {
            missing.add("AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns is 1): "
                    + "allow them with 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0'");
        }
        Optional<long[]> subuid = range(facts.read(Path.of("/etc/subuid")), facts.userName(), facts.uid());
        Optional<long[]> subgid = range(facts.read(Path.of("/etc/subgid")), facts.userName(), facts.uid());
        Optional<Path> newuidmap = facts.program("newuidmap");
        Optional<Path> newgidmap = facts.program("newgidmap");
        boolean hasRange = subuid.isPresent() && subgid.isPresent();
        if (hasRange && (newuidmap.isEmpty() || newgidmap.isEmpty())) {
            missing.add("newuidmap/newgidmap are not installed, so the subordinate ids of user " + facts.userName()
                    + " cannot be mapped: install Debian's uidmap ('sudo apt-get install uidmap')");
        }
        if (!missing.isEmpty()) {
            throw new ContainerEngineException("rootless containers cannot run here for user " + facts.userName() + ": "
                    + String.join("; ", missing) + ". (Or set STEVEDORE_ENGINE=docker to use a Docker daemon.)");
        }
        if (!hasRange) {
            IdMapping single = new IdMapping(facts.uid(), facts.gid(), 0, 0, 0, 0);
            String warning = "user " + facts.userName() + " has no subordinate id range in /etc/subuid and /etc/subgid, so "
                    + "containers run with a single id (root only; images needing other users fail); give it one with "
                    + "'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + facts.userName() + "'";
            return new RootlessHost(single, null, null, warning);
        }
        IdMapping mapping = new IdMapping(facts.uid(), facts.gid(), subuid.get()[0], subuid.get()[1],
                subgid.get()[0], subgid.get()[1]);
        return new RootlessHost(mapping, newuidmap.get(), newgidmap.get(), null);
    }

    /** The first range of the user (by name or by uid) in a subuid/subgid file: {start, count}. */
    static Optional<long[]> range(String file, String user, long uid) {
        for (String line : file.split("\n")) {
            String[] f = line.strip().split(":");
            if (f.length != 3 || !(f[0].equals(user) || f[0].equals(Long.toString(uid)))) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1]);
                long count = Long.parseLong(f[2]);
                if (start > 0 && count > 0) {
                    return Optional.of(new long[] {start, count});
                }
            } catch (NumberFormatException e) {
                // a damaged line: the next one may do
            }
        }
        return Optional.empty();
    }

    static Facts systemFacts() {
        return new Facts() {
            @Override
            public String userName() {
                return System.getProperty("user.name");
            }

            @Override
            public long uid() {
                return statusId("Uid:");
            }

            @Override
            public long gid() {
                return statusId("Gid:");
            }

            @Override
            public String read(Path file) {
                try {
                    // by lines: Files.readString trusts the size a file reports, 0 for a sysctl, and gets one byte of it
                    return String.join("\n", Files.readAllLines(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return "";
                }
            }

            @Override
            public Optional<Path> program(String name) {
                return BIN.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
            }
        };
    }

    /** This process's effective user id ({@link Privileges#effectiveUid}: from /proc, no JNA). */
    public static long effectiveUid() {
        return Privileges.effectiveUid();
    }

    private static long statusId(String field) {
        return Privileges.effectiveId(field).orElseThrow(
                () -> new ContainerEngineException("cannot read this process's ids from /proc/self/status"));
    }
}
