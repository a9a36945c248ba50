package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore attach}: this terminal to a running container, as {@code docker attach}: its output from now on,
 * this command's stdin to the container's when it was created with an open stdin (unless {@code --no-stdin}), until it
 * exits (then its exit code) or the detach keys are typed (then, as docker's, "read escape sequence" and 1; it runs
 * on). A container with a TTY gets this terminal in raw mode and its size; without one, Ctrl-C and SIGTERM are passed
 * to the container ({@code --sig-proxy}, on by default) instead of ending this command. The embedded engine feeds a
 * container's stdin from another process only when it was run detached with {@code -i} ({@code run -dit}, its
 * supervisor shares it); attached to another's, the output is shown and the input refused with a sentence saying so.
 */
@Command(name = "attach", description = "Attach this terminal's input and output to a running container.",
        customSynopsis = "stevedore attach [OPTIONS] CONTAINER")
final class AttachCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = "--no-stdin", description = "Do not attach standard input.")
    boolean noStdin;

    @Option(names = "--sig-proxy", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Pass Ctrl-C and SIGTERM on to the container (without a TTY; default true).")
    boolean sigProxy = true;

    @Mixin
    DetachKeysOption detachKeys = new DetachKeysOption();

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Override
    int run(ContainerEngine engine) {
        ContainerInfo target = engine.inspectContainer(container);
        if (!target.state().running()) {
            err().println("stevedore: you cannot attach to a stopped container, start it first");
            return 1;
        }
        boolean tty = target.spec() != null && target.spec().tty();
        boolean input = !noStdin && target.spec() != null && target.spec().openStdin();
        AttachedRun attached = new AttachedRun(engine, target.id(), outBytes(), errBytes(), err(), false, input ? root().stdin() : null,
                tty || input ? detachKeys.keys : null);
        if (!tty && sigProxy) {
            proxySignals(engine, target.id());
        }
        int code;
        try (RawTerminal raw = tty && input ? RawTerminal.enter(root().shutdownHooks()).orElse(null) : null) {
            code = attached.attach();
        }
        if (attached.detached()) {
            // docker's attach reports the detach keys as its error and exits 1 (unlike its run and start)
            err().println("read escape sequence");
            return 1;
        }
        return code;
    }

    /** Ctrl-C and SIGTERM go to the container, as docker's sig-proxy sends them; its exit then ends this command. */
    private void proxySignals(ContainerEngine engine, String id) {
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    try {
                        engine.killContainer(id, "SIG" + name);
                    } catch (ContainerEngineException e) {
                        // it ended meanwhile: its end ends this command too
                    }
                });
            } catch (IllegalArgumentException e) {
                // a JVM that keeps the signal for itself: it then ends this command, the container runs on
            }
        }
    }
}
