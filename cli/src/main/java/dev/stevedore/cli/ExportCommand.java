package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore export CONTAINER}: the container's file system as a tar archive, to a file with {@code -o} (whole
 * or not at all) or to standard output, which must not be a terminal.
 */
@Command(name = "export", description = "Export a container's filesystem as a tar archive (standard output by default).")
final class ExportCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to a file, instead of standard output.")
    Path output;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Override
    void validate() {
        if (output == null && root().terminal().interactive()) {
            throw usageError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        try (InputStream tar = engine.export(container)) {
            if (output == null) {
                tar.transferTo(System.out);
                System.out.flush();
            } else {
                OutputFile.write(output, "export", tar::transferTo);
            }
        } catch (IOException e) {
            throw new ContainerEngineException("exporting container " + container + (output == null ? "" : " to " + output)
                    + " failed: " + e.getMessage(), e);
        }
        return 0;
    }
}
