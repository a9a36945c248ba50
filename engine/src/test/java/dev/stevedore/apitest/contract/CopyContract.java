package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerPathStat;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Files into a container (before it starts and while it runs, into directories that exist or not) and out
 * of it (a file, a directory), as tar streams.
 */
public abstract class CopyContract extends EngineContract {
    private ContainerInfo target;

    @BeforeAll
    void startTarget() {
        target = started(busybox("sleep 3600"));
    }

    @Test
    void copyIntoACreatedContainerBeforeItStartsMakesTheMissingDirectory() {
        ContainerInfo container = engine.createContainer(busybox("cat /data/in/hello.txt; stat -c %a /data/in").build());

        engine.copyToContainer(container.id(), "/data/in", tar(Map.of("hello.txt", file("hello from the host\n", 0644))));
        engine.startContainer(container.id());

        assertThat(exited(container.id()).exitCode()).isZero();
        assertThat(logTexts(container.id())).containsExactly("hello from the host", "755");
    }

    @Test
    void copyIntoARunningContainerKeepsModesAndLeavesTheTargetDirectoryAlone() {
        engine.copyToContainer(target.id(), "/tmp", tar(Map.of("script.sh", file("#!/bin/sh\necho script ran\n", 0755))));

        assertThat(exec("/tmp/script.sh").stdout()).isEqualTo("script ran\n");
        assertThat(exec("stat", "-c", "%a", "/tmp").stdout().strip()).isEqualTo("1777");
    }

    @Test
    void entriesWithoutTheirParentDirectoriesLandInMissingDirectories() {
        Map<String, Entry> entries = new LinkedHashMap<>();
        entries.put("deep/er/file.txt", file("nested\n", 0600));
        entries.put("top.txt", file("top\n", 0644));

        engine.copyToContainer(target.id(), "/srv/copied", tar(entries));

        assertThat(exec("cat", "/srv/copied/deep/er/file.txt", "/srv/copied/top.txt").stdout()).isEqualTo("nested\ntop\n");
        assertThat(exec("stat", "-c", "%a", "/srv/copied/deep/er/file.txt").stdout().strip()).isEqualTo("600");
    }

    @Test
    void copyOutOfAFileGivesOneEntryNamedByItsBaseName() throws IOException {
        assertThat(exec("sh", "-c", "printf 'file content' > /tmp/out.txt").succeeded()).isTrue();

        Map<String, String> entries = untar(engine.copyFromContainer(target.id(), "/tmp/out.txt"));

        assertThat(entries).containsExactly(Map.entry("out.txt", "file content"));
    }

    @Test
    void copyOutOfADirectoryGivesItAndEverythingBelow() throws IOException {
        assertThat(exec("sh", "-c", "mkdir -p /tmp/tree/sub && echo a > /tmp/tree/a && echo b > /tmp/tree/sub/b").succeeded()).isTrue();

        Map<String, String> entries = untar(engine.copyFromContainer(target.id(), "/tmp/tree"));

        assertThat(entries).containsOnlyKeys("tree", "tree/a", "tree/sub", "tree/sub/b");
        assertThat(entries).containsEntry("tree/a", "a\n").containsEntry("tree/sub/b", "b\n");
    }

    /**
     * The archive says who owns each file as the container sees it, running or stopped, and so does an export: rootless,
     * the engine reads the tree from outside the user's namespace, where the container's root is the user and its uid
     * 1000 a subordinate id — neither may leak into the archive.
     */
    @Test
    void copyOutAndExportGiveTheOwnersTheContainerSees() throws IOException {
        ContainerInfo container = started(busybox("mkdir /owned && echo a > /owned/mine && echo b > /owned/theirs"
                + " && chown 1000:1001 /owned/theirs && exec sleep 3600"));
        try {
            await().atMost(PATIENCE).until(() -> engine.exec(container.id(), ExecSpec.of("stat", "-c", "%u:%g",
                    "/owned/theirs")).stdout().strip().equals("1000:1001"));
            Map<String, String> expected = Map.of("owned", "0:0", "owned/mine", "0:0", "owned/theirs", "1000:1001");

            assertThat(owners(engine.copyFromContainer(container.id(), "/owned"))).as("running").isEqualTo(expected);
            assertThat(owners(engine.export(container.id()))).as("export")
                    .containsEntry("owned/mine", "0:0").containsEntry("owned/theirs", "1000:1001");
            engine.stopContainer(container.id(), java.time.Duration.ofSeconds(1));
            assertThat(owners(engine.copyFromContainer(container.id(), "/owned"))).as("stopped").isEqualTo(expected);
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }

    @Test
    void copyFailsClearlyForAMissingPathOrContainer() {
        String nobody = uniqueName("no-such-container");

        assertThatThrownBy(() -> engine.copyFromContainer(target.id(), "/no/such/path").close())
                .isInstanceOf(ContainerEngineException.class)
                .isNotInstanceOf(ContainerNotFoundException.class)
                .hasMessageContaining("/no/such/path");
        assertThatThrownBy(() -> engine.copyFromContainer(nobody, "/etc")).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.copyToContainer(nobody, "/tmp", tar(Map.of())))
                .isInstanceOf(ContainerNotFoundException.class);
    }

    /**
     * The same assertions hold on dockerd ({@code DockerCopyContractIT} asks it): a link is described itself, with where
     * it leads followed to the end within the container; links in the parents are followed.
     */
    @Test
    void statDescribesAPathItselfAndFollowsLinksWithinTheContainer() {
        assertThat(exec("sh", "-c", "mkdir -p /tmp/st/real && printf hi > /tmp/st/real/f && chmod 4750 /tmp/st/real/f"
                + " && ln -s real /tmp/st/rel && ln -s /tmp/st/rel/f /tmp/st/abs && ln -s ../../../../etc /tmp/st/up")
                .succeeded()).isTrue();

        ContainerPathStat file = engine.statContainerPath(target.id(), "/tmp/st/real/f").orElseThrow();
        assertThat(file).extracting(ContainerPathStat::name, ContainerPathStat::size, ContainerPathStat::mode,
                ContainerPathStat::linkTarget).containsExactly("f", 2L, 0104750, "");
        assertThat(file.modified()).isBefore(Instant.now().plusSeconds(1)).isAfter(Instant.now().minusSeconds(3600));
        assertThat(engine.statContainerPath(target.id(), "/tmp/st/rel/f").orElseThrow()).isEqualTo(file);

        ContainerPathStat relative = engine.statContainerPath(target.id(), "/tmp/st/rel").orElseThrow();
        assertThat(relative.isSymbolicLink()).isTrue();
        assertThat(relative).extracting(ContainerPathStat::name, ContainerPathStat::size, ContainerPathStat::mode,
                ContainerPathStat::linkTarget).containsExactly("rel", 4L, 0120777, "/tmp/st/real");
        assertThat(engine.statContainerPath(target.id(), "/tmp/st/abs").orElseThrow().linkTarget()).isEqualTo("/tmp/st/real/f");
        // a link climbing above the root stays in the container, as its processes see it
        assertThat(engine.statContainerPath(target.id(), "/tmp/st/up").orElseThrow().linkTarget()).isEqualTo("/etc");

        assertThat(engine.statContainerPath(target.id(), "/tmp/st/real").orElseThrow().isDirectory()).isTrue();
        assertThat(engine.statContainerPath(target.id(), "/").orElseThrow()).extracting(ContainerPathStat::name,
                ContainerPathStat::isDirectory).containsExactly("/", true);
        assertThat(engine.statContainerPath(target.id(), "/tmp/st/missing")).isEmpty();
        assertThat(engine.statContainerPath(target.id(), "/no/such/dir/f")).isEmpty();
    }

    @Test
    void statWorksOnAContainerThatNeverRanAndNamesAMissingContainer() {
        ContainerInfo created = engine.createContainer(busybox("true").build());

        ContainerPathStat passwd = engine.statContainerPath(created.id(), "/etc/passwd").orElseThrow();

        assertThat(passwd.name()).isEqualTo("passwd");
        assertThat(passwd.mode() & 0170777).isEqualTo(0100644);
        assertThat(passwd.size()).isPositive();
        assertThatThrownBy(() -> engine.statContainerPath(uniqueName("no-such-container"), "/etc"))
                .isInstanceOf(ContainerNotFoundException.class);
    }

    /**
     * A directory private to another user of the container (mode 0700, owner 1000 — postgres' data directory is one)
     * is copied in and out, stat'ed, and the copy lands with the archive's owner, running or stopped: as root and on
     * dockerd trivially, and rootless too, where the engine's own user is shut out of it and the work is done inside
     * the user's namespace.
     */
    @Test
    void aDirectoryPrivateToAnotherUserOfTheContainerIsCopiedInAndOut() throws IOException {
        ContainerInfo container = started(busybox(
                "mkdir -p /priv/sub && echo x > /priv/sub/f && chown -R 1000:1000 /priv && chmod 700 /priv /priv/sub && exec sleep 3600"));
        try {
            await().atMost(PATIENCE).until(() -> engine.exec(container.id(), ExecSpec.of("stat", "-c", "%a %u", "/priv")).stdout()
                    .strip().equals("700 1000"));

            assertThat(untar(engine.copyFromContainer(container.id(), "/priv"))).containsEntry("priv/sub/f", "x\n");
            assertThat(engine.statContainerPath(container.id(), "/priv/sub/f")).hasValueSatisfying(stat -> {
                assertThat(stat.name()).isEqualTo("f");
                assertThat(stat.size()).isEqualTo(2);
            });
            engine.copyToContainer(container.id(), "/priv/sub", ownedTar("g", "from the host\n", 1000));
            assertThat(engine.exec(container.id(), ExecSpec.of("stat", "-c", "%u %a %n", "/priv/sub/g")).stdout().strip())
                    .isEqualTo("1000 600 /priv/sub/g");

            engine.stopContainer(container.id(), java.time.Duration.ofSeconds(1));
            assertThat(untar(engine.copyFromContainer(container.id(), "/priv/sub")))
                    .as("stopped: read through a helper").containsEntry("sub/f", "x\n").containsEntry("sub/g", "from the host\n");
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }

    /**
     * A copy in the instant the container's process ends (gone from {@code /proc}, its exit not yet recorded) reads the
     * files as a stopped container's, as dockerd does; it once failed with the root of a process that no longer had one.
     * The instant is hit by chance: copies go on back to back from the start until the container is seen stopped,
     * in a bounded number of rounds.
     */
    @Test
    void aCopyAsTheProcessEndsReadsTheFilesAsTheyWere() throws IOException {
        for (int round = 0; round < 8; round++) {
            ContainerInfo container = engine.createContainer(busybox("exit 0").build());
            try {
                engine.copyToContainer(container.id(), "/kept", tar(Map.of("mark.txt", file("round " + round + "\n", 0644))));
                engine.startContainer(container.id());
                boolean stopped = false;
                for (int copy = 0; copy < 200 && !stopped; copy++) {
                    stopped = !engine.inspectContainer(container.id()).state().running();
                    assertThat(untar(engine.copyFromContainer(container.id(), "/kept/mark.txt")))
                            .as("round %d, copy %d", round, copy).containsExactly(Map.entry("mark.txt", "round " + round + "\n"));
                }
            } finally {
                engine.removeContainer(container.id(), true);
            }
        }
    }

    /** A tar of one regular file with mode 0600 owned by {@code uid}:{@code uid}. */
    private static InputStream ownedTar(String name, String content, int uid) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            entry.setSize(data.length);
            entry.setMode(0100600);
            entry.setIds(uid, uid);
            out.putArchiveEntry(entry);
            out.write(data);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private ExecResult exec(String... command) {
        return engine.exec(target.id(), ExecSpec.of(command));
    }

    /** A regular file for {@link #tar}. */
    protected record Entry(byte[] content, int mode) {
    }

    protected static Entry file(String content, int mode) {
        return new Entry(content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /** A tar of regular files only (no directory entries), in the map's order. */
    protected static InputStream tar(Map<String, Entry> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, Entry> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().content().length);
                entry.setMode(0100000 | file.getValue().mode());
                out.putArchiveEntry(entry);
                out.write(file.getValue().content());
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /** Entry name (without a trailing slash) → its owner as {@code uid:gid}, closing the stream. */
    private static Map<String, String> owners(InputStream stream) throws IOException {
        Map<String, String> owners = new LinkedHashMap<>();
        try (stream; TarArchiveInputStream in = new TarArchiveInputStream(stream)) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String name = entry.getName().endsWith("/") ? entry.getName().substring(0, entry.getName().length() - 1) : entry.getName();
                owners.put(name, entry.getLongUserId() + ":" + entry.getLongGroupId());
            }
        }
        return owners;
    }

    /** Entry name (without a trailing slash) → content (empty for directories), closing the stream. */
    protected static Map<String, String> untar(InputStream stream) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (stream; TarArchiveInputStream in = new TarArchiveInputStream(stream)) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String name = entry.getName().endsWith("/") ? entry.getName().substring(0, entry.getName().length() - 1) : entry.getName();
                entries.put(name, entry.isDirectory() ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }
}
