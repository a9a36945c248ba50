package dev.stevedore.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/** The options {@code exec} and {@code compose exec} share: who runs the command, where, with what environment. */
final class ExecOptions {
    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "User to run as: name, uid, name:group or uid:gid.")
    String user;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workingDir;

    @Option(names = "--privileged", description = "Give the command every capability (the container's seccomp filter still holds).")
    boolean privileged;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]",
            description = "Set an environment variable (KEY alone: copy this shell's value).")
    List<String> env = new ArrayList<>();

    /**
     * The {@code KEY=VALUE} entries {@code -e} asked for, {@code KEY} alone looked up in {@code environment}.
     *
     * @throws IllegalArgumentException naming the malformed entry
     */
    List<String> entries(UnaryOperator<String> environment) {
        List<String> entries = new ArrayList<>();
        for (String entry : env) {
            EnvEntries.entry(entry, environment).ifPresent(entries::add);
        }
        return entries;
    }
}
