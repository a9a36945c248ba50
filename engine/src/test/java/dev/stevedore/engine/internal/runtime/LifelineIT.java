package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A JVM that dies, even by SIGKILL, takes its containers with it; their cgroups go too, and the next reaper run removes their state. */
class LifelineIT {
    private RuntimeFixture fixture;

    @BeforeEach
    void createFixture() {
        fixture = new RuntimeFixture();
    }

    @AfterEach
    void closeFixture() {
        fixture.close();
    }

    @Test
    void sigkilledJvmLeavesNoContainerProcessMountOrStateBehind() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LifelineChild.class.getName(),
                fixture.stateRoot.toString(), fixture.rootfs.toString(), "orphan")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            line = out.readLine();
        }
        assertThat(line).as("the child JVM's report").startsWith("started ");
        String[] parts = line.split(" ");
        long containerPid = Long.parseLong(parts[1]);
        long supervisorPid = Long.parseLong(parts[2]);
        String pidNamespace = RuntimeFixture.readLink(Path.of("/proc", parts[1], "ns/pid"));
        String mountNamespace = RuntimeFixture.readLink(Path.of("/proc", parts[1], "ns/mnt"));
        assertThat(RuntimeFixture.processesInPidNamespace(pidNamespace)).contains(containerPid);
        Path stateDirectory = fixture.containers.resolve("orphan");
        List<Path> cgroups = StateFiles.readCgroups(stateDirectory);
        assertThat(cgroups).as("every container has cgroups of its own").isNotEmpty().allSatisfy(g -> assertThat(g).isDirectory());
        assertThat(OrphanReaper.reapOrphans(fixture.containers)).as("a live owner's container is kept").isEmpty();

        long killedAt = System.nanoTime();
        child.destroyForcibly();
        child.waitFor();

        // how fast is printed below, not asserted: at load 15 the supervisor may see the lifeline's end seconds late
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(ProcessIdentity.of(containerPid)).isEmpty();
            assertThat(ProcessIdentity.of(supervisorPid)).isEmpty();
            assertThat(RuntimeFixture.processesInPidNamespace(pidNamespace)).isEmpty();
            assertThat(processesInMountNamespace(mountNamespace)).isEmpty();
        });
        Duration gone = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(fixture.ownMounts()).isEmpty();
        assertThat(stateDirectory.resolve("exit")).content().contains("signal 9");

        assertThat(OrphanReaper.reapOrphans(fixture.containers)).containsExactly(stateDirectory);
        assertThat(stateDirectory).doesNotExist();
        assertThat(cgroups).allSatisfy(group -> assertThat(group).doesNotExist());
        System.out.println("container gone " + gone.toMillis() + " ms after its JVM was SIGKILLed");
    }

    private static List<Long> processesInMountNamespace(String namespace) throws Exception {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> namespace.equals(RuntimeFixture.readLink(p.resolve("ns/mnt"))))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        }
    }
}
