package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Containers of a JVM seen and controlled from another JVM, and the lifeline: a JVM killed with SIGKILL
 * takes its containers with it, and the next engine open settles what is left. Child JVMs use the
 * public API only ({@link ContainerChild}).
 */
class ContainerLifelineIT {
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    /** A child JVM running a container; returns {@code [id, pid]}. */
    private String[] child(String name, boolean autoRemove, long memory, String... command) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> args = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                ContainerChild.class.getName(), ContainerTestbed.state().toString(), busybox(), Boolean.toString(autoRemove),
                name, Long.toString(memory)));
        args.addAll(List.of(command));
        Process child = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the child JVM's report").startsWith("started ");
        String[] parts = line.split(" ");
        return new String[] {parts[1], parts[2], Long.toString(child.pid())};
    }

    @Test
    void aContainerOfAnotherJvmIsListedStoppedAndExecutedInto() throws Exception {
        String name = "other-jvm-" + System.nanoTime();
        String[] started = child(name, false, 0, "sh", "-c", "trap 'exit 21' TERM; sleep 1000 & wait");
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            ContainerInfo info = engine.inspectContainer(name);
            assertThat(info.id()).isEqualTo(started[0]);
            assertThat(info.state().running()).isTrue();
            assertThat(info.state().pid()).isEqualTo(Long.parseLong(started[1]));
            assertThat(engine.containers(false, Map.of())).extracting(ContainerInfo::id).contains(info.id());
            assertThat(engine.exec(name, ExecSpec.of("echo", "from the other JVM")).stdout()).isEqualTo("from the other JVM\n");

            engine.stopContainer(name, Duration.ofSeconds(10));

            ContainerState state = engine.inspectContainer(name).state();
            assertThat(state.status()).isEqualTo(ContainerState.Status.EXITED);
            assertThat(state.exitCode()).isEqualTo(21);
            assertThat(children.get(0).isAlive()).as("the owner JVM lives on").isTrue();
            engine.removeContainer(name, false);
            assertThat(engine.containers(true, Map.of())).noneMatch(c -> c.id().equals(info.id()));
        }
    }

    @Test
    void aSigkilledJvmLeavesNoContainerProcessNoMountAndNoStateBehind() throws Exception {
        String kept = "lifeline-kept-" + System.nanoTime();
        String removed = "lifeline-rm-" + System.nanoTime();
        String[] first = child(kept, false, 64L << 20, "sleep", "1000");
        String[] second = child(removed, true, 0, "sleep", "1000");
        long pid = Long.parseLong(first[1]);
        String pidNamespace = link(Path.of("/proc", first[1], "ns/pid")).orElseThrow();
        String mountNamespace = link(Path.of("/proc", first[1], "ns/mnt")).orElseThrow();
        Optional<Path> memoryCgroup = memoryCgroup(pid);
        assertThat(memoryCgroup).as("the memory limit's cgroup").isPresent();
        assertThat(processesIn("pid", pidNamespace)).contains(pid);

        long killedAt = System.nanoTime();
        children.forEach(Process::destroyForcibly);
        for (Process child : children) {
            child.waitFor();
        }

        // how fast is printed below, not asserted: at load 15 the supervisor may see the lifeline's end seconds late
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(alive(pid)).isFalse();
            assertThat(alive(Long.parseLong(second[1]))).isFalse();
            assertThat(processesIn("pid", pidNamespace)).isEmpty();
            assertThat(processesIn("mnt", mountNamespace)).isEmpty();
        });
        Duration gone = Duration.ofNanos(System.nanoTime() - killedAt);
        String root = ContainerTestbed.state().toRealPath().toString();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(line -> line.contains(root));
        for (Path place : ContainerTestbed.containerDirectories()) {
            String containers = place.toAbsolutePath().toString();
            assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(line -> line.contains(containers));
        }

        // The next engine finds what the dead JVM left and removes it: a test's container leaves no state
        // (only one labelled ContainerSpec.KEEP_LABEL, as the CLI's are, outlives its JVM).
        try (ContainerEngine next = ContainerTestbed.engine()) {
            assertThat(memoryCgroup.get()).as("its cgroup").doesNotExist();
            for (String name : new String[] {kept, removed}) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> next.inspectContainer(name))
                        .isInstanceOf(ContainerNotFoundException.class);
            }
            for (Path place : ContainerTestbed.containerDirectories()) {
                assertThat(place.resolve(first[0])).doesNotExist();
                assertThat(place.resolve(second[0])).doesNotExist();
            }
        }
        System.out.println("containers gone " + gone.toMillis() + " ms after their JVM was SIGKILLed");
    }

    private static Optional<String> link(Path path) {
        try {
            return Optional.of(Files.readSymbolicLink(path).toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether a process runs (a zombie does not count: it has released everything). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Long> processesIn(String namespace, String id) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> link(p.resolve("ns").resolve(namespace)).filter(id::equals).isPresent())
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(ContainerLifelineIT::alive)
                    .toList();
        }
    }

    private static Optional<Path> memoryCgroup(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] parts = line.split(":", 3);
            if (parts[2].contains("stevedore")) {
                Path base = parts[1].isEmpty() ? Path.of("/sys/fs/cgroup/unified") : Path.of("/sys/fs/cgroup", parts[1].split(",")[0]);
                return Optional.of(base.resolve(parts[2].substring(1)));
            }
        }
        return Optional.empty();
    }
}
