package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * What {@code docker run --init}, {@code --group-add}, {@code --domainname}, {@code --sysctl} and {@code --oom-score-adj} do inside the
 * container, the same on every engine (dockerd's init is its docker-init, tini): the init runs the command as its
 * child, forwards the stop signal to it, reaps orphans and ends with the command's status; the added groups are the
 * supplementary groups of its first process and its execs, names looked up in the image's {@code /etc/group}; the domain name is the
 * UTS namespace's and the first name of the container's line in {@code /etc/hosts} ({@code HOSTNAME.DOMAIN HOSTNAME}); the sysctls are set in the container's namespaces before its command runs; a raised {@code --oom-score-adj} is that of its processes and its execs; inspect echoes each.
 *
 * <p>Runs on both engines and rootless ({@code EmbeddedProcessOptionsContractIT}, {@code DockerProcessOptionsContractIT},
 * {@code RootlessProcessOptionsContractIT}).
 */
public abstract class ProcessOptionsContract extends EngineContract {

    @Test
    void initRunsTheCommandAsItsChildReapsOrphansAndEndsWithItsExitCode() {
        // the inner shell exits at once: its sleep becomes an orphan of pid 1, which must reap it when it ends
        ContainerInfo box = started(busybox("sh -c 'sleep 1 & exit 0'; sleep 3; echo zombies=$(ps -o stat | grep -c '^Z');"
                + " echo pid=$$; exit 3").init(true));

        ContainerState state = exited(box.id());

        assertThat(logTexts(box.id())).contains("zombies=0").noneMatch(line -> line.equals("pid=1"));
        assertThat(state.exitCode()).isEqualTo(3);
        assertThat(engine.inspectContainer(box.id()).spec().init()).isTrue();
        engine.removeContainer(box.id(), true);
    }

    @Test
    void theStopSignalReachesTheCommandUnderInitAndItsExitCodeSaysWhichSignal() {
        // sleep as pid 1 would ignore SIGTERM (no handler) and wait for SIGKILL; under init it is a child and dies of it
        ContainerInfo box = started(busybox("exec sleep 3600").init(true));

        engine.stopContainer(box.id(), Duration.ofSeconds(60));

        ContainerState state = engine.inspectContainer(box.id()).state();
        assertThat(state.running()).isFalse();
        assertThat(state.exitCode()).isEqualTo(128 + 15);
        engine.removeContainer(box.id(), true);
    }

    @Test
    void addedGroupsAreSupplementaryGroupsOfTheContainerAndItsExecs() {
        // the test bed's busybox knows two groups: root and nobody (65534)
        ContainerInfo box = started(busybox("id -G; sleep 3600").groupAdd("nobody").groupAdd("1234"));
        await().atMost(PATIENCE).until(() -> !logTexts(box.id()).isEmpty());

        List<String> groups = List.of(logTexts(box.id()).get(0).split(" "));
        ExecResult exec = engine.exec(box.id(), ExecSpec.of("id", "-G"));

        assertThat(groups).contains("0", "65534", "1234");
        assertThat(exec.stdout().strip().split(" ")).containsExactlyInAnyOrderElementsOf(groups);
        assertThat(engine.inspectContainer(box.id()).spec().groupAdd()).containsExactly("nobody", "1234");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void aGroupTheImageDoesNotKnowFailsTheStartNamingIt() {
        ContainerStartException failed = catchThrowableOfType(ContainerStartException.class,
                () -> started(busybox("true").groupAdd("no-such-group")));

        assertThat(failed).as("the start with an unknown group").isNotNull();
        assertThat(failed.getMessage()).containsIgnoringCase("Unable to find group no-such-group");
        engine.removeContainer(failed.containerId(), true);
    }

    @Test
    void theDomainNameIsTheContainersOwn() {
        // dockerd's hosts file names the container HOSTNAME.DOMAIN first, so the fully qualified name resolves
        ContainerInfo box = started(busybox("cat /proc/sys/kernel/domainname; hostname; hostname -f;"
                + " grep -w web /etc/hosts | cut -f 2 | cut -d ' ' -f 1,2").hostname("web").domainname("example.org"));

        exited(box.id());

        assertThat(logTexts(box.id())).containsExactly("example.org", "web", "web.example.org", "web.example.org web");
        assertThat(engine.inspectContainer(box.id()).spec().domainname()).isEqualTo("example.org");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void namespacedSysctlsAreSetBeforeTheCommandRuns() {
        ContainerInfo box = started(busybox("cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni"
                + " /proc/sys/fs/mqueue/msg_max")
                .sysctl("net.ipv4.ip_unprivileged_port_start", "80").sysctl("kernel.shmmni", "2048")
                .sysctl("fs.mqueue.msg_max", "20"));

        ContainerState state = exited(box.id());

        assertThat(state.exitCode()).as("output %s", logTexts(box.id())).isZero();
        assertThat(logTexts(box.id())).containsExactly("80", "2048", "20");
        assertThat(engine.inspectContainer(box.id()).spec().sysctls()).containsEntry("kernel.shmmni", "2048")
                .hasSize(3);
        engine.removeContainer(box.id(), true);
    }

    @Test
    void aRaisedOomScoreAdjustmentIsThatOfTheContainersProcessesAndItsExecs() {
        // raising needs no privilege, so it applies rootless too; lowering below the engine's own needs CAP_SYS_RESOURCE
        ContainerInfo box = started(busybox("cat /proc/1/oom_score_adj; sleep 3600").oomScoreAdj(500));
        await().atMost(PATIENCE).until(() -> !logTexts(box.id()).isEmpty());

        ExecResult exec = engine.exec(box.id(), ExecSpec.of("cat", "/proc/self/oom_score_adj"));

        assertThat(logTexts(box.id())).containsExactly("500");
        assertThat(exec.stdout().strip()).isEqualTo("500");
        assertThat(engine.inspectContainer(box.id()).spec().oomScoreAdj()).isEqualTo(500);
        engine.removeContainer(box.id(), true);
    }
}
