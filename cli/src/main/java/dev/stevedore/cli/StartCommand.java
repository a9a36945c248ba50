package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stevedore start}: starts created or stopped containers; prints each as named, as {@code docker start} does.
 * With {@code -a} (or {@code -i}) it starts one and stays attached, as {@code docker start -ai}: this run's output,
 * this command's stdin to a container created with {@code -i}, a terminal in raw mode for one created with {@code -t},
 * and the container's exit code.
 */
@Command(name = "start", description = "Start one or more stopped containers.")
final class StartCommand extends ContainersCommand {
    @Option(names = {"-a", "--attach"}, description = "Attach its output and exit with its exit code.")
    boolean attach;

    @Option(names = {"-i", "--interactive"}, description = "Attach its standard input too (it must have been created with -i).")
    boolean interactive;

    @Mixin
    DetachKeysOption detachKeys = new DetachKeysOption();

    @Override
    int run(ContainerEngine engine) {
        if (!attach && !interactive) {
            return super.run(engine);
        }
        if (containers.size() != 1) {
            throw usageError("you cannot start and attach multiple containers at once");
        }
        ContainerInfo target = engine.inspectContainer(containers.get(0));
        boolean tty = target.spec() != null && target.spec().tty();
        boolean input = interactive && target.spec() != null && target.spec().openStdin();
        AttachedRun attached = new AttachedRun(engine, target.id(), outBytes(), errBytes(), err(), false,
                input ? root().stdin() : null, tty || input ? detachKeys.keys : null);
        try (RawTerminal raw = tty && input ? RawTerminal.enter(root().shutdownHooks()).orElse(null) : null) {
            return attached.run(root().shutdownHooks());
        }
    }

    @Override
    void apply(ContainerEngine engine, String container) {
        engine.startContainer(container);
        out().println(container);
    }
}
