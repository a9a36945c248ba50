package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code stevedore version}: this client, then the engine it would use, why, and where. As {@code docker version},
 * the client part is printed even when no engine can be opened (the command then exits 1 with the reason).
 */
@Command(name = "version", description = "Show the version of stevedore and of the engine it uses.")
final class VersionCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        StevedoreCommand root = (StevedoreCommand) spec.root().userObject();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Client:");
        out.println(" Version:          " + VersionProvider.version());
        out.println(" Java:             " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        out.println(" OS/Arch:          " + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
                + System.getProperty("os.arch"));
        out.println();
        out.flush();
        try (ContainerEngine engine = root.openEngine()) {
            printEngine(out, engine.info(), "");
            return 0;
        } catch (ContainerEngineException e) {
            Main.report(e, root.debug(), spec.commandLine().getErr());
            return 1;
        } finally {
            out.flush();
        }
    }

    /** The lines {@code version} and {@code info} show for the engine, indented by {@code indent} and one more space. */
    static void printEngine(PrintWriter out, EngineInfo info, String outer) {
        out.println(outer + "Engine:");
        String indent = outer + " ";
        out.println(indent + "Name:             " + info.name());
        out.println(indent + "Version:          " + info.version());
        out.println(indent + (info.name().equals("embedded") ? "State directory:  " : "Endpoint:         ") + info.location());
        out.println(indent + "Selected because: " + info.selectedBecause());
    }
}
