package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.Mount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the host sees of rootless containers, run as an ordinary user with a subordinate id range (the engine's
 * rootless Failsafe execution): their processes belong to the user and its subordinate ids, never to root; a
 * root-owned host file stays out of reach through a bind mount; image files keep their owners, shifted into the
 * range; a JVM killed with SIGKILL leaves no process of its containers, no namespace holder and no cgroup behind.
 */
class RootlessHostIT {
    @TempDir
    static Path state;
    static ContainerEngine engine;
    static long uid;
    static long subUidStart;
    private final List<String> created = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void open() throws IOException {
        uid = Long.parseLong(status(Path.of("/proc/self/status"), "Uid:").split("\\s+")[1]);
        assertThat(uid).as("RootlessHostIT runs as an ordinary user (the rootless Failsafe execution)").isNotZero();
        String user = System.getProperty("user.name");
        subUidStart = Files.readAllLines(Path.of("/etc/subuid")).stream().map(l -> l.split(":"))
                .filter(f -> f.length == 3 && (f[0].equals(user) || f[0].equals(Long.toString(uid))))
                .map(f -> Long.parseLong(f[1])).findFirst()
                .orElseThrow(() -> new AssertionError("user " + user + " has no range in /etc/subuid: run testbed/up"));
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterAll
    static void close() throws IOException {
        engine.close();
        // the layered image's files of uid 1000 belong to a subordinate id: deleted inside the user's namespace
        dev.stevedore.engine.internal.os.FileTrees.deleteRecursively(state);
        assertThat(state).doesNotExist();
    }

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        for (String id : created) {
            try {
                engine.removeContainer(id, true);
            } catch (ContainerNotFoundException e) {
                // removed by the test
            }
        }
    }

    private ContainerInfo run(ContainerSpec.Builder spec) {
        ContainerInfo info = engine.runContainer(spec.build());
        created.add(info.id());
        return info;
    }

    private String output(String id) {
        ContainerState state = engine.waitContainer(id, Duration.ofSeconds(30));
        assertThat(state.running()).isFalse();
        try (var logs = engine.logs(id, LogOptions.all()); Stream<LogLine> lines = logs.lines()) {
            return lines.map(LogLine::text).collect(Collectors.joining("\n"));
        }
    }

    @Test
    void theHostSeesContainerProcessesUnderTheUserAndItsSubordinateIdsNeverRoot() throws IOException {
        ContainerInfo asRoot = run(ContainerSpec.builder(busybox()).cmd("sleep", "1000"));
        ContainerInfo asUser = run(ContainerSpec.builder(busybox()).user("1000:1000").cmd("sleep", "1000"));

        Path rootStatus = Path.of("/proc", Long.toString(asRoot.state().pid()), "status");
        Path userStatus = Path.of("/proc", Long.toString(asUser.state().pid()), "status");

        assertThat(status(rootStatus, "Uid:").split("\\s+")).as("container root on the host").containsOnly(Long.toString(uid));
        assertThat(status(userStatus, "Uid:").split("\\s+")).as("container uid 1000 on the host")
                .containsOnly(Long.toString(subUidStart + 999));
        assertThat(Files.readString(Path.of("/proc", Long.toString(asRoot.state().pid()), "uid_map")))
                .contains(" " + uid + " ").contains(" " + subUidStart + " ");
    }

    @Test
    void aRootOwnedHostFileCannotBeWrittenThroughABindMount() throws IOException {
        Path hostFile = Path.of("/etc/hostname");
        String before = Files.readString(hostFile);
        assertThat(Files.getOwner(hostFile).getName()).isEqualTo("root");

        ContainerInfo info = run(ContainerSpec.builder(busybox()).mount(Mount.bind(hostFile.toString(), "/mnt/hostname", false))
                .cmd("sh", "-c", "id -u; echo owned > /mnt/hostname; echo rc=$?"));

        String out = output(info.id());
        assertThat(out).contains("0").contains("rc=1");
        assertThat(Files.readString(hostFile)).isEqualTo(before);
    }

    @Test
    void imageFilesKeepTheirOwnersInsideAndSubordinateIdsOnTheHost() throws IOException {
        // the test bed's layered image has a directory of uid 1000 (/owned) and a setuid file
        ContainerInfo info = run(ContainerSpec.builder(ContainerTestbed.image("layered:latest")).cmd("sleep", "1000"));
        ContainerInfo listing = run(ContainerSpec.builder(ContainerTestbed.image("layered:latest")).cmd("sh", "-c",
                "stat -c '%n %u:%g %a' /owned /modes/setuid /bin"));

        assertThat(output(listing.id()).lines().toList())
                .containsExactly("/owned 1000:1000 770", "/modes/setuid 0:0 4755", "/bin 0:0 755");
        Path owned = Path.of("/proc", Long.toString(info.state().pid()), "root", "owned");
        assertThat(Files.getAttribute(owned, "unix:uid")).as("/owned seen from the host").isEqualTo((int) (subUidStart + 999));
    }

    @Test
    void aSigkilledJvmLeavesNoContainerProcessNoNamespaceHolderAndNoCgroup() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ContainerChild.class.getName(),
                state.resolve("child").toString(), busybox(), "false", "rootless-lifeline-" + System.nanoTime(), Long.toString(64L << 20),
                "sleep", "1000").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(child);
        String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the child JVM's report").startsWith("started ");
        long pid = Long.parseLong(line.split(" ")[2]);
        List<Long> descendants = child.descendants().map(ProcessHandle::pid).toList();
        assertThat(descendants).as("the child's launcher processes (its namespace holder among them)").isNotEmpty();
        assertThat(ProcessHandle.of(pid)).isPresent();
        // its groups in the user's delegated subtree (the default pids limit, the memory limit, the v2 group)
        List<Path> groups = List.of(CgroupPaths.group(pid, "pids"), CgroupPaths.group(pid, "memory"), CgroupPaths.group(pid, ""));
        assertThat(CgroupPaths.memoryLimit(pid)).content().isEqualToIgnoringWhitespace(Long.toString(64L << 20));
        assertThat(groups).allSatisfy(g -> assertThat(g).isDirectory()).doesNotHaveDuplicates();

        child.destroyForcibly();
        child.waitFor();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the container's pid 1").isEmpty();
            assertThat(descendants.stream().filter(p -> ProcessHandle.of(p).filter(ProcessHandle::isAlive).isPresent()).toList())
                    .as("the dead JVM's launchers and namespace holder").isEmpty();
        });
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains(state.toString()));
        // the next engine on that state directory settles what the dead JVM's container left
        try (ContainerEngine next = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state.resolve("child")))) {
            assertThat(next.containers(true, Map.of())).isEmpty();
        }
        assertThat(groups).as("the dead JVM's container's cgroups").allSatisfy(g -> assertThat(g).doesNotExist());
    }

    static String status(Path file, String field) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith(field)).map(l -> l.substring(field.length()).strip())
                .findFirst().orElseThrow();
    }
}
