package dev.stevedore.cli;

import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore build}: builds an image from a Dockerfile and a context directory, printing each step, whether
 * it came from the cache, and the output of RUN steps, as {@code docker build} (classic) prints them.
 */
@Command(name = "build", description = "Build an image from a Dockerfile.")
final class BuildCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", description = "Name and tag the image (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The Dockerfile (default: PATH/Dockerfile).")
    Path file;

    @Option(names = "--build-arg", paramLabel = "KEY=VALUE", description = "A value for an ARG (repeatable).")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label for the image (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "Build this stage (and those it needs) only.")
    String target;

    @Option(names = "--no-cache", description = "Use no cached step.")
    boolean noCache;

    @Option(names = "--pull", description = "Pull the base images even when they are present.")
    boolean pull;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", converter = PlatformConverter.class,
            description = "Platform to build for.")
    Platform platform;

    @Option(names = {"-q", "--quiet"}, description = "Print only the image id.")
    boolean quiet;

    @Parameters(paramLabel = "PATH", description = "The context directory.")
    Path context;

    private BuildSpec buildSpec;

    @Override
    void validate() {
        if (!Files.isDirectory(context)) {
            throw usageError("PATH " + context + " is not a directory: give the build context's directory");
        }
        BuildSpec.Builder builder = BuildSpec.builder(context);
        tags.forEach(t -> builder.tag(reference(t)));
        pairs("--build-arg", buildArgs).forEach(builder::buildArg);
        pairs("--label", labels).forEach(builder::label);
        if (file != null) {
            // docker's -f is relative to the working directory, not to the context
            Path dockerfile = file.toAbsolutePath().normalize();
            Path root = context.toAbsolutePath().normalize();
            if (dockerfile.startsWith(root)) {
                builder.dockerfile(root.relativize(dockerfile).toString());
            } else {
                try {
                    builder.dockerfile(dockerfile.toString()).dockerfileText(Files.readString(dockerfile, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw usageError("cannot read the Dockerfile " + file + ": " + e.getMessage());
                }
            }
        }
        buildSpec = builder.target(target).noCache(noCache).platform(platform)
                .pullPolicy(pull ? ContainerSpec.PullPolicy.ALWAYS : ContainerSpec.PullPolicy.MISSING).build();
    }

    private Map<String, String> pairs(String option, List<String> values) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                // docker takes a bare name from the environment
                String env = System.getenv(value);
                if (env == null) {
                    throw usageError(option + " " + value + " is not KEY=VALUE (and " + value + " is not set in the environment)");
                }
                pairs.put(value, env);
            } else {
                pairs.put(value.substring(0, eq), value.substring(eq + 1));
            }
        }
        return pairs;
    }

    @Override
    int run(ContainerEngine engine) {
        PrintWriter out = out();
        Image image = engine.build(buildSpec, event -> {
            if (!quiet) {
                print(out, event);
            }
        });
        if (quiet) {
            out.println(image.id());
        }
        return 0;
    }

    private static void print(PrintWriter out, BuildEvent event) {
        switch (event.kind()) {
            case STEP -> out.println("Step " + event.step() + (event.steps() > 0 ? "/" + event.steps() : "") + " : " + event.text());
            case CACHED -> out.println(" ---> Using cache");
            case OUTPUT -> out.println(event.text());
            case BUILT -> out.println("Successfully built " + shortId(event.text()));
            case TAGGED -> out.println("Successfully tagged " + event.text());
        }
        out.flush();
    }

    private static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
