package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.serve.internal.DockerDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore image}: what concerns the image store: {@code inspect}, {@code prune}, {@code history}, and the
 * top-level image commands under docker's names there ({@link ManagementCommands}).
 */
@Command(name = "image", description = "Manage images.",
        subcommands = {
            ImageCommand.Prune.class,
            ImageCommand.Inspect.class,
            HistoryCommand.class,
        })
final class ImageCommand extends CommandGroup {

    /**
     * {@code image prune}: as docker's, dangling images, or with {@code -a} every image no container (running or not)
     * was made from, after docker's question unless {@code -f}, through the engine's prune; the build cache is
     * {@code builder prune}'s.
     */
    @Command(name = "prune", description = "Remove unused images: dangling ones, or with -a every image no container uses.")
    static final class Prune extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-a", "--all"}, description = "Remove all images no container uses, not only dangling ones.")
        boolean all;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
        boolean force;

        @Option(names = "--filter", paramLabel = "label=KEY[=VALUE]",
                description = "Only images with this label (repeatable).")
        List<String> filters = new ArrayList<>();

        private final List<String> labels = new ArrayList<>();

        @Override
        void validate() {
            for (String filter : filters) {
                if (!filter.startsWith("label=") || filter.length() == "label=".length()) {
                    throw usageError("--filter '" + filter + "' is not supported: use label=KEY or label=KEY=VALUE");
                }
                labels.add(filter.substring("label=".length()));
            }
        }

        @Override
        int run(ContainerEngine engine) {
            String removes = all ? "all images without at least one container associated to them" : "all dangling images";
            if (!force && !Prunes.confirmed(out(), root().stdin(), List.of(removes))) {
                return 0;
            }
            Prunes.Pruned pruned = Prunes.images(engine, all, labels);
            Prunes.section(out(), "Deleted Images:", pruned.deleted());
            out().println("Total reclaimed space: " + Sizes.human(pruned.reclaimed()));
            return 0;
        }
    }

    /**
     * {@code image inspect}: images as docker shows them, a JSON array with docker's field names for what the store
     * knows, or each through a {@code --format} template. Names that match nothing are reported on stderr, exit code 1,
     * as docker does.
     */
    @Command(name = "inspect", description = "Show details of one or more images as JSON.")
    static final class Inspect extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE", description = "Print each image through a Go template "
                + "({{.Id}}, {{json .Config}}, {{index .RepoTags 0}}), or 'json'.")
        String format;

        @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image reference, ID or unique ID prefix.")
        List<String> images;

        @Override
        int run(ContainerEngine engine) {
            GoTemplate template;
            try {
                template = format == null || format.equals("json") ? null : GoTemplate.parse(format);
            } catch (IllegalArgumentException e) {
                throw usageError("--format: " + e.getMessage());
            }
            List<Map<String, Object>> documents = new ArrayList<>();
            int exitCode = 0;
            for (String name : images) {
                Optional<Image> image = find(engine, name);
                if (image.isEmpty()) {
                    err().println("Error: No such image: " + name);
                    exitCode = 1;
                    continue;
                }
                documents.add(DockerDocuments.image(image.get()));
            }
            if (template == null) {
                out().println(Json.pretty(documents));
            } else {
                documents.forEach(document -> out().println(template.apply(document)));
            }
            err().flush();
            return exitCode;
        }

        /** By reference first, then by ID or a unique prefix of it (with or without {@code sha256:}). */
        static Optional<Image> find(ContainerEngine engine, String name) {
            try {
                Optional<Image> byReference = engine.image(ImageReference.parse(name));
                if (byReference.isPresent()) {
                    return byReference;
                }
            } catch (InvalidImageReferenceException notAReference) {
                // perhaps an ID
            }
            String id = name.startsWith("sha256:") ? name : "sha256:" + name;
            List<Image> matches = engine.images().stream().filter(image -> image.id().startsWith(id)).toList();
            return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
        }
    }
}
