package dev.stevedore.apitest.junit.forks;

import dev.stevedore.apitest.dsl.ItEngine;
import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code *ForkIT} classes (run by a Failsafe execution with two forks) and {@link ForkedRunCheckIT} (run by
 * the execution after it) share: the run's label and records, and the containers of the run.
 *
 * <p>The build names the run ({@code stevedore.it.forks.run}, the build's time stamp and the engine): every container
 * of the run carries it as the value of {@link #RUN_LABEL}, and every test writes one line to
 * {@code <stevedore.it.forks.records>/<pid>.txt}: its class, its method, the id of the JVM-wide container and the id
 * of its class's container.
 */
final class ForkRun {
    static final String RUN_LABEL = "dev.stevedore.it.forks.run";

    /** The JVM-wide container of this fork: each fork JVM must start it once and only once. */
    static final ContainerHandle JVM_WIDE = sleeper("fork-jvm-wide");

    private ForkRun() {
    }

    static String run() {
        return required("stevedore.it.forks.run");
    }

    static Path records() {
        return Path.of(required("stevedore.it.forks.records"));
    }

    /** A busybox that sleeps, labelled with the run. */
    static ContainerHandle sleeper(String name) {
        return Stevedore.container("busybox", c -> c.name(name).label(RUN_LABEL, run()).command("sleep", "3600"));
    }

    /** Appends a test's line to this fork's record file. */
    static void record(String testClass, String test, ContainerHandle jvmWide, ContainerHandle perClass) {
        ItEngine.get();
        String line = testClass + " " + test + " " + jvmWide.id() + " " + perClass.id() + "\n";
        try {
            Files.createDirectories(records());
            Files.writeString(records().resolve(ProcessHandle.current().pid() + ".txt"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("recording " + testClass + "." + test + " in " + records(), e);
        }
    }

    /**
     * The names of the containers of this run that still exist, asked of the engine the run used. On Docker the docker
     * CLI asks, because opening an engine would first sweep what JVMs that are gone left and so hide it.
     */
    static List<String> leftovers() {
        String engine = Optional.ofNullable(System.getProperty("stevedore.engine")).orElse("embedded");
        if (engine.equals("docker")) {
            Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                    "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
            return DockerCli.run(socket, "ps", "-a", "--format", "{{.Names}} {{.Status}}", "--filter", "label=" + RUN_LABEL + "=" + run());
        }
        try (ContainerEngine embedded = ContainerEngine.embedded(EngineSettings.fromEnvironment()
                .withStateDirectory(Path.of(required("stevedore.home"))))) {
            return embedded.containers(true, Map.of(RUN_LABEL, run())).stream()
                    .map(c -> c.name() + " " + c.state().status()).toList();
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new AssertionError("system property " + property + " is not set: the forked run is set up by "
                    + "junit-extension/pom.xml's forks-* Failsafe executions");
        }
        return value;
    }
}
