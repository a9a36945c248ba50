package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The system-call filter, asked of the kernel from inside containers: a static probe ({@code syscall-probe.c})
 * tries the calls Docker's default profile decides about and prints each one's outcome, in a container of the
 * embedded engine and in one of the test bed's dockerd, which must agree, as pid 1 and through exec.
 */
class SeccompIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ContainerEngine embedded;
    private static ContainerEngine docker;

    @TempDir
    Path files;

    @BeforeAll
    static void engines() {
        embedded = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(ContainerTestbed.state()));
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        docker = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), EngineSettings.fromEnvironment());
    }

    @AfterAll
    static void close() {
        embedded.close();
        docker.close();
    }

    private static ContainerSpec.Builder probe() {
        return ContainerSpec.builder(ContainerTestbed.busybox())
                .mount(Mount.bind(StaticBinary.of("syscall-probe").toString(), "/probe", true))
                .cmd("/probe");
    }

    @Test
    void defaultProfileRefusesWhatDockerdRefuses() {
        List<String> ours = runProbe(embedded, UnaryOperator.identity());
        List<String> dockers = runProbe(docker, UnaryOperator.identity());

        assertThat(ours).contains("unshare-user EPERM", "clone-newuser EPERM", "clone-plain ok", "clone3 ENOSYS",
                "keyctl EPERM", "add_key EPERM", "bpf EPERM", "perf_event_open EPERM", "open_by_handle_at EPERM",
                "personality-query ok", "personality-bsd EPERM", "getpid ok", "Seccomp: 2");
        // AF_VSOCK reaches the host of a VM: Docker's profile refuses it since 2024; the test bed's dockerd is older
        assertThat(ours).contains("socket-vsock EPERM");
        assertThat(withoutVsock(ours)).isEqualTo(withoutVsock(dockers));
    }

    @Test
    void execRunsUnderTheContainersFilter() {
        List<String> ours = execProbe(embedded, UnaryOperator.identity());
        List<String> dockers = execProbe(docker, UnaryOperator.identity());

        assertThat(ours).contains("keyctl EPERM", "unshare-user EPERM", "Seccomp: 2");
        assertThat(withoutVsock(ours)).isEqualTo(withoutVsock(dockers));
    }

    @Test
    void unconfinedLiftsTheFilter() {
        UnaryOperator<ContainerSpec.Builder> unconfined = ContainerSpec.Builder::seccompUnconfined;
        List<String> ours = runProbe(embedded, unconfined);
        List<String> dockers = runProbe(docker, unconfined);

        assertThat(ours).contains("Seccomp: 0", "keyctl ok", "add_key ok", "personality-bsd ok", "clone3 EINVAL");
        assertThat(ours).isEqualTo(dockers);
        assertThat(execProbe(embedded, unconfined)).contains("Seccomp: 0", "keyctl ok");
    }

    @Test
    void customProfileDenyingOneOrdinaryCallIsHonoured() throws Exception {
        Path profile = files.resolve("deny-mkdirat.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
                """);
        UnaryOperator<ContainerSpec.Builder> custom = b -> b.seccompProfile(profile);
        List<String> ours = runProbe(embedded, custom);
        List<String> dockers = runProbe(docker, custom);

        assertThat(ours).contains("mkdirat EACCES", "keyctl ok", "getpid ok", "Seccomp: 2");
        assertThat(ours).isEqualTo(dockers);
        assertThat(execProbe(embedded, custom)).contains("mkdirat EACCES", "Seccomp: 2");
    }

    private static List<String> withoutVsock(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("socket-vsock ")).toList();
    }

    private static List<String> runProbe(ContainerEngine engine, UnaryOperator<ContainerSpec.Builder> options) {
        ContainerInfo container = engine.runContainer(options.apply(probe()).build());
        try {
            assertThat(engine.waitContainer(container.id(), WAIT).exitCode()).isZero();
            try (ContainerLogs logs = engine.logs(container.id(), LogOptions.all()); Stream<LogLine> lines = logs.lines()) {
                return lines.map(LogLine::text).toList();
            }
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }

    private static List<String> execProbe(ContainerEngine engine, UnaryOperator<ContainerSpec.Builder> options) {
        ContainerInfo container = engine.runContainer(options.apply(probe()).cmd("sleep", "60").build());
        try {
            ExecResult result = engine.exec(container.id(), new ExecSpec(List.of("/probe"), List.of(), null, null, null,
                    WAIT, null));
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            return new ArrayList<>(result.stdout().lines().toList());
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }
}
