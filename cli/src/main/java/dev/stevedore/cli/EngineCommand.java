package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A subcommand that works on the engine: checks its arguments, opens the engine, runs, closes it.
 * Subclasses hold the command's options (with a {@link HelpOption} mixin) and implement {@link #run(ContainerEngine)}.
 */
abstract class EngineCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    private ByteOutput outBytes;
    private ByteOutput errBytes;

    @Override
    public final Integer call() {
        validate();
        Timing.mark("arguments checked");
        try (ContainerEngine engine = root().openEngine()) {
            Timing.mark("engine opened (or the early open taken)");
            int status = run(engine);
            Timing.mark("command ran");
            return status;
        } finally {
            Timing.mark("engine closed");
            out().flush();
            err().flush();
            if (outBytes != null) {
                outBytes.flush();
            }
            if (errBytes != null) {
                errBytes.flush();
            }
        }
    }

    /**
     * Checks the arguments before the engine is opened: throws {@link #usageError} when they are malformed,
     * a {@code ContainerEngineException} when they name something that is not there.
     */
    void validate() {
    }

    /** Does the command's work; returns the exit code. */
    abstract int run(ContainerEngine engine);

    /** The exit code when the command fails with an exception: 1, unless the command mimics Docker's own. */
    int failureExitCode() {
        return picocli.CommandLine.ExitCode.SOFTWARE;
    }

    StevedoreCommand root() {
        return (StevedoreCommand) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Stdout for a container's output, its bytes as they are ({@link ByteOutput}). */
    synchronized ByteOutput outBytes() {
        if (outBytes == null) {
            outBytes = new ByteOutput(out(), root().stdout());
        }
        return outBytes;
    }

    /** Stderr for a container's output, its bytes as they are. */
    synchronized ByteOutput errBytes() {
        if (errBytes == null) {
            errBytes = new ByteOutput(err(), root().stderr());
        }
        return errBytes;
    }

    /** A usage error (exit code 2) about this command's arguments. */
    ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@link Listing#of} for a {@code --format}, a malformed template being a usage error. */
    Listing listing(String format) {
        try {
            return Listing.of(format);
        } catch (TemplateException e) {
            throw usageError(e.getMessage());
        }
    }

    /** Parses an inspect command's {@code -f} template now, a malformed one being a usage error. */
    void check(InspectFormat format) {
        try {
            format.template();
        } catch (TemplateException e) {
            throw usageError(e.getMessage());
        }
    }

    /** Parses an image reference argument; a malformed one is a usage error. */
    ImageReference reference(String text) {
        try {
            return ImageReference.parse(text);
        } catch (InvalidImageReferenceException e) {
            throw usageError(e.getMessage());
        }
    }
}
