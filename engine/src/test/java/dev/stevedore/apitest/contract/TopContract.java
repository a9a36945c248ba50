package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerTop;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code top}: a running container's processes as {@code docker top} lists them. The titles are checked against what
 * the docker CLI prints for a container of the test bed's dockerd in the same run, with the same ps arguments; the
 * rows hold the container's processes (by their host pid), and only them.
 *
 * <p>Runs on the embedded engine as root and as an ordinary user ({@code RootlessTopContractIT}: the owners are the
 * container's ids, as rootless dockerd's {@code ps} inside its namespace shows them, not the host's), and on the
 * Docker backend ({@code DockerTopContractIT}, which also compares every row with the docker CLI's for the same
 * container).
 */
public abstract class TopContract extends EngineContract {
    /** A container of dockerd's, made with the docker CLI: the peer whose {@code docker top} titles are expected. */
    private final String peer = uniqueName("top-peer");

    @BeforeAll
    final void startThePeer() {
        docker("run", "-d", "--name", peer, busyboxImage(), "sleep", "3600");
    }

    @AfterAll
    final void removeThePeer() {
        docker("rm", "-f", peer);
    }

    /** The docker CLI on the test bed's dockerd: its non-blank output lines. */
    protected static List<String> docker(String... arguments) {
        return DockerCli.run(TestbedDocker.socket(), arguments);
    }

    /** {@code docker top CONTAINER ARGS...} as the docker CLI prints it, parsed into titles and rows. */
    protected static ContainerTop dockerTop(String container, String... psArgs) {
        List<String> command = new ArrayList<>(List.of("top", container));
        command.addAll(List.of(psArgs));
        List<String> lines = docker(command.toArray(String[]::new));
        List<String> titles = List.of(lines.get(0).strip().split("\\s+"));
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = Arrays.asList(line.strip().split("\\s+"));
            List<String> row = new ArrayList<>(fields.subList(0, titles.size() - 1));
            row.add(String.join(" ", fields.subList(titles.size() - 1, fields.size())));
            rows.add(row);
        }
        return new ContainerTop(titles, rows);
    }

    private long pid(ContainerInfo container) {
        return engine.inspectContainer(container.id()).state().pid();
    }

    @Test
    void theDefaultListingHasDockersTitlesAndTheContainersOneProcess() {
        ContainerInfo container = started(busybox("exec sleep 3600"));

        ContainerTop top = engine.top(container.id(), null);

        assertThat(top.titles()).isEqualTo(dockerTop(peer).titles()).containsExactly("UID", "PID", "PPID", "C", "STIME",
                "TTY", "TIME", "CMD");
        assertThat(top.processes()).hasSize(1);
        assertThat(top.processes().get(0).get(1)).isEqualTo(Long.toString(pid(container)));
        assertThat(top.processes().get(0).get(7)).isEqualTo("sleep 3600");
    }

    @Test
    void psArgumentsChooseTheColumnsAndEveryProcessOfTheContainerIsListed() {
        ContainerInfo container = started(busybox("sleep 3601 & exec sleep 3600"));
        ContainerInfo other = started(busybox("exec sleep 3602"));

        ContainerTop top = engine.top(container.id(), "-o pid,args");

        assertThat(top.titles()).isEqualTo(dockerTop(peer, "-o", "pid,args").titles()).containsExactly("PID", "COMMAND");
        assertThat(top.processes()).extracting(row -> row.get(1)).containsExactlyInAnyOrder("sleep 3600", "sleep 3601");
        assertThat(top.processes()).extracting(row -> row.get(0)).contains(Long.toString(pid(container)))
                .doesNotContain(Long.toString(pid(other)));
    }

    /** The user and group columns, by number and by name, are the container's, as dockerd's are for its own. */
    @Test
    void theOwnersAreTheContainersIdsAsOnDockerd() {
        String peerAsUser = uniqueName("top-user");
        docker("run", "-d", "--user", "1000:1000", "--name", peerAsUser, busyboxImage(), "sleep", "3605");
        try {
            ContainerInfo asRoot = started(busybox("exec sleep 3606"));
            ContainerInfo asUser = started(busybox("exec sleep 3607").user("1000:1000"));
            String columns = "-o uid,gid,user,group,pid,args";

            List<String> root = engine.top(asRoot.id(), columns).processes().get(0);
            List<String> user = engine.top(asUser.id(), columns).processes().get(0);
            List<String> dockerRoot = dockerTop(peer, "-o", "uid,gid,user,group,pid,args").processes().get(0);
            List<String> dockerUser = dockerTop(peerAsUser, "-o", "uid,gid,user,group,pid,args").processes().get(0);

            assertThat(root.subList(0, 4)).as("a root process's owners").isEqualTo(dockerRoot.subList(0, 4))
                    .containsExactly("0", "0", "root", "root");
            assertThat(user.subList(0, 4)).as("a process of user 1000's owners").isEqualTo(dockerUser.subList(0, 4));
            assertThat(user.subList(0, 2)).containsExactly("1000", "1000");
        } finally {
            docker("rm", "-f", peerAsUser);
        }
    }

    @Test
    protected void aContainerInTheHostsPidNamespaceListsItsOwnProcessesOnlyAsOnDockerd() {
        String peerOfHost = uniqueName("top-pidhost");
        docker("run", "-d", "--pid", "host", "--name", peerOfHost, busyboxImage(), "sleep", "3603");
        try {
            ContainerInfo container = started(busybox("exec sleep 3604").pidMode("host"));

            ContainerTop top = engine.top(container.id(), "-o pid,args");

            // dockerd lists the one process of its container, not the host's thousand
            assertThat(dockerTop(peerOfHost, "-o", "pid,args").processes()).extracting(row -> row.get(1))
                    .containsExactly("sleep 3603");
            assertThat(top.processes()).extracting(row -> row.get(1)).containsExactly("sleep 3604");
            assertThat(top.processes().get(0).get(0)).isEqualTo(Long.toString(pid(container)));
        } finally {
            docker("rm", "-f", peerOfHost);
        }
    }

    @Test
    void aStoppedContainerHasNoProcessesToList() {
        ContainerInfo container = started(busybox("exec sleep 3600"));
        engine.stopContainer(container.id(), Duration.ofSeconds(1));

        assertThatThrownBy(() -> engine.top(container.id(), null))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("is not running");
    }
}
