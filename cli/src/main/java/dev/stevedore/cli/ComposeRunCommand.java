package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compose run SERVICE [COMMAND...]}: a one-off container of the service's configuration, named
 * {@code <project>-<service>-run-<12 hex>} as docker compose v2 names it, after what the service depends on is up;
 * its output attached and its exit code returned. Its ports are not published (docker compose's default without
 * {@code --service-ports}).
 */
@Command(name = "run", description = "Run a one-off command in a new container of a service.",
        customSynopsis = "stevedore compose run [OPTIONS] SERVICE [COMMAND [ARG...]]")
final class ComposeRunCommand extends ComposeSubcommand {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Mixin
    HelpOption help;

    @Option(names = "--rm", description = "Remove the container when it exits.")
    boolean remove;

    @Option(names = {"-d", "--detach"}, description = "Run it in the background and print its name.")
    boolean detach;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VAL", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = "--no-deps", description = "Do not start the services it depends on.")
    boolean noDeps;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Override the image's entrypoint (words split on spaces).")
    String entrypoint;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Run as this user.")
    String user;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "The working directory in the container.")
    String workdir;

    @Option(names = {"-T", "--no-TTY"}, description = "Accepted for docker compose's scripts: there is no terminal anyway.")
    boolean noTty;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
    String service;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND", description = "The command and its arguments "
            + "(default: the service's).")
    List<String> command = new ArrayList<>();

    private final Map<String, String> environment = new LinkedHashMap<>();

    @Override
    void validate() {
        if (detach && remove) {
            throw usageError("--rm and -d are incompatible: a container that is removed when it exits cannot be left running");
        }
        for (String entry : env) {
            try {
                EnvEntries.entry(entry, root().environment()).ifPresent(kv -> {
                    int equals = kv.indexOf('=');
                    environment.put(kv.substring(0, equals), kv.substring(equals + 1));
                });
            } catch (IllegalArgumentException e) {
                throw usageError("-e: " + e.getMessage());
            }
        }
        checkServices(List.of(service));
    }

    /** 12 random hex digits, as docker compose's one-off names end. */
    private static String slug() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    int run(ContainerEngine engine) {
        ComposeProject project = compose.project();
        ComposeService config = project.service(service);
        ComposeProjects projects = new ComposeProjects(engine, project.name(), err());
        if (noDeps || config.dependsOn().isEmpty()) {
            projects.prepare(project);
        } else {
            projects.up(project, new ComposeProjects.UpOptions(List.copyOf(config.dependsOn().keySet()), false,
                    ComposeProjects.Build.MISSING, ComposeProjects.Recreate.CHANGED));
            projects.meetDependencies(project, config);
        }
        projects.imageFor(config, ComposeProjects.Build.MISSING);
        String name = project.name() + "-" + service + "-run-" + slug();
        ContainerSpec.Builder spec = ComposeSpecs.oneOff(project.name(), project, config, name, environment);
        if (!command.isEmpty()) {
            spec.cmd(command);
        }
        if (entrypoint != null) {
            spec.entrypoint(entrypoint.isBlank() ? List.of() : Arrays.asList(entrypoint.trim().split("\\s+")));
        }
        if (user != null) {
            spec.user(user);
        }
        if (workdir != null) {
            spec.workingDir(workdir);
        }
        spec.openStdin(!detach).stdinOnce(!detach);
        ContainerInfo created = engine.createContainer(spec.build());
        List<String> networks = new ArrayList<>(config.networks().keySet());
        for (String network : networks.subList(1, networks.size())) {
            engine.connectNetwork(project.name() + "_" + network, created.id(), List.of());
        }
        if (detach) {
            engine.startContainer(created.id());
            out().println(name);
            return 0;
        }
        return new AttachedRun(engine, created.id(), outBytes(), errBytes(), err(), remove, root().stdin(), null)
                .run(root().shutdownHooks());
    }
}
