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

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "The Dockerfile (default: PATH/Dockerfile); - reads it from standard input.")
    String file;

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

    @Option(names = "--network", paramLabel = "MODE",
            description = "The network of the RUN steps that name none: default, none or host.")
    String network;

    @Option(names = "--add-host", paramLabel = "NAME:ADDRESS",
            description = "Add a line to the RUN steps' /etc/hosts (repeatable; host-gateway for the host).")
    List<String> addHosts = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "Print only the image id.")
    boolean quiet;

    @Option(names = "--iidfile", paramLabel = "FILE", description = "Write the image ID to the file.")
    Path iidFile;

    @Parameters(paramLabel = "PATH | -", description = "The context directory, or - to read a tar of the context (or a "
            + "Dockerfile alone) from standard input.")
    String contextArgument;

    /** The build, checked before the engine opens; null for a context on standard input, read when it runs. */
    private BuildSpec buildSpec;

    @Override
    void validate() {
        if (contextArgument.equals("-")) {
            if ("-".equals(file)) {
                throw usageError("the build context and the Dockerfile cannot both come from standard input");
            }
            options(BuildSpec.builder().dockerfileText("")).build(); // the options checked now; the context is read in run
            return;
        }
        BuildSpec.Builder builder = BuildSpec.builder(directory(Path.of(contextArgument)));
        dockerfile(builder, Path.of(contextArgument));
        buildSpec = options(builder).build();
    }

    /** The options but the context and the Dockerfile's place, applied to {@code builder}. */
    private BuildSpec.Builder options(BuildSpec.Builder builder) {
        tags.forEach(t -> builder.tag(reference(t)));
        pairs("--build-arg", buildArgs).forEach(builder::buildArg);
        pairs("--label", labels).forEach(builder::label);
        if (network != null && !BuildSpec.NETWORK_MODES.contains(network)) {
            throw usageError("--network " + network + " is not supported for a build: its RUN steps take "
                    + String.join(", ", BuildSpec.NETWORK_MODES));
        }
        for (String host : addHosts) {
            try {
                dev.stevedore.engine.ExtraHost.parse(host);
            } catch (IllegalArgumentException e) {
                throw usageError("invalid argument \"" + host + "\" for \"--add-host\" flag: " + e.getMessage());
            }
            builder.extraHost(host);
        }
        return builder.networkMode(network).target(target).noCache(noCache).platform(platform)
                .pullPolicy(pull ? ContainerSpec.PullPolicy.ALWAYS : ContainerSpec.PullPolicy.MISSING);
    }

    /** {@code build -}: the context (or the Dockerfile alone) read from standard input, deleted once built. */
    private Image buildFromStdin(ContainerEngine engine, java.util.function.Consumer<BuildEvent> listener) {
        StdinBuildContext context;
        try {
            context = StdinBuildContext.read(root().stdin());
        } catch (IOException e) {
            throw new dev.stevedore.engine.ContainerEngineException("cannot read the build context from standard input: "
                    + e.getMessage(), e);
        }
        try (context) {
            BuildSpec.Builder builder = context.builder();
            if (file != null) {
                builder.dockerfile(StdinBuildContext.contextPath(file));
            }
            return engine.build(options(builder).build(), listener::accept);
        }
    }

    private Path directory(Path context) {
        if (!Files.isDirectory(context)) {
            throw usageError("PATH " + context + " is not a directory: give the build context's directory, or - to read it"
                    + " from standard input");
        }
        return context;
    }

    /** {@code -f}: a file (docker's is relative to the working directory, not to the context), or - for stdin. */
    private void dockerfile(BuildSpec.Builder builder, Path context) {
        if (file == null) {
            return;
        }
        if (file.equals("-")) {
            try {
                builder.dockerfileText(new String(root().stdin().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw usageError("cannot read the Dockerfile from standard input: " + e.getMessage());
            }
            return;
        }
        Path dockerfile = Path.of(file).toAbsolutePath().normalize();
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
        java.util.function.Consumer<BuildEvent> listener = event -> {
            if (!quiet) {
                print(out, event);
            }
        };
        Image image = buildSpec != null ? engine.build(buildSpec, listener::accept) : buildFromStdin(engine, listener);
        if (quiet) {
            out.println(image.id());
        }
        if (iidFile != null) {
            try {
                Files.writeString(iidFile, image.id(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new dev.stevedore.engine.ContainerEngineException("cannot write the image ID to " + iidFile + ": "
                        + e.getMessage(), e);
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, BuildEvent event) {
        out.println(event.line());
        out.flush();
    }
}
