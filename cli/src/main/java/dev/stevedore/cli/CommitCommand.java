package dev.stevedore.cli;

import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore commit CONTAINER REPOSITORY[:TAG]}: makes an image of the container's changes, with docker's
 * {@code -a}, {@code -c} (Dockerfile instructions for the image's config), {@code -m} and {@code -p}; prints the new
 * image's id as docker does. Without a repository the image is kept dangling, by its id, as docker keeps it.
 */
@Command(name = "commit", description = "Create a new image from a container's changes.")
final class CommitCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-a", "--author"}, paramLabel = "STRING",
            description = "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\").")
    String author;

    @Option(names = {"-c", "--change"}, paramLabel = "LIST",
            description = "Apply Dockerfile instruction to the created image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, "
                    + "USER, WORKDIR, VOLUME, STOPSIGNAL, HEALTHCHECK, ONBUILD).")
    List<String> changes = new ArrayList<>();

    @Option(names = {"-m", "--message"}, paramLabel = "STRING", description = "Commit message.")
    String message;

    @Option(names = {"-p", "--pause"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Pause container during commit (default true).")
    boolean pause = true;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]", description = "The new image's reference.")
    String repository;

    private CommitSpec spec;

    @Override
    void validate() {
        spec = (repository == null ? CommitSpec.untagged() : CommitSpec.to(reference(repository)))
                .withAuthor(author).withComment(message).withPause(pause).withChanges(changes);
    }

    @Override
    int run(ContainerEngine engine) {
        Image image;
        try {
            image = engine.commit(container, spec);
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        out().println(image.id());
        out().flush();
        return 0;
    }
}
