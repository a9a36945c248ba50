package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.Mount;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static dev.stevedore.apitest.ContainerTestbed.exited;
import static dev.stevedore.apitest.ContainerTestbed.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files copied into containers before start and while running, and out of them as tar streams. */
class ContainerCopyIT extends ContainerTestBase {
    /** A tar with a directory, files with owners and modes, a symlink and a hard link. */
    private static byte[] appArchive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry conf = new TarArchiveEntry("conf/");
            conf.setMode(040750);
            conf.setIds(1000, 1000);
            tar.putArchiveEntry(conf);
            tar.closeArchiveEntry();
            file(tar, "conf/app.properties", "greeting=hello\n", 0100640, 1000, 1000);
            file(tar, "bin/run.sh", "#!/bin/sh\necho running\n", 0100755, 0, 0);
            TarArchiveEntry link = new TarArchiveEntry("conf/link", TarConstants.LF_SYMLINK);
            link.setLinkName("app.properties");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            TarArchiveEntry hard = new TarArchiveEntry("conf/hard", TarConstants.LF_LINK);
            hard.setLinkName("conf/app.properties");
            tar.putArchiveEntry(hard);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name, String content, int mode, int uid, int gid) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setIds(uid, gid);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static byte[] single(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            file(tar, name, content, 0100644, 0, 0);
        }
        return bytes.toByteArray();
    }

    /** name → entry, and name → content for files. */
    private static Map<String, TarArchiveEntry> entries(InputStream in, Map<String, String> contents) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), entry);
                if (entry.isFile() && !entry.isLink()) {
                    contents.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return entries;
    }

    @Test
    void filesCopiedInBeforeStartAreThereWithTheirOwnersAndModes() throws IOException {
        ContainerInfo info = create(ContainerSpec.builder(busybox()).cmd("sh", "-c",
                "stat -c '%n %a %u %g %h' /opt/app/conf /opt/app/conf/app.properties /opt/app/bin/run.sh /opt/app/conf/hard; "
                        + "cat /opt/app/conf/link; /opt/app/bin/run.sh; head -1 /etc/passwd"));

        engine.copyToContainer(info.id(), "/opt/app", new ByteArrayInputStream(appArchive()));
        engine.copyToContainer(info.id(), "/etc", new ByteArrayInputStream(single("passwd", "replaced:x:0:0::/:/bin/sh\n")));
        engine.startContainer(info.id());

        assertThat(exited(engine, info.id()).exitCode()).isZero();
        assertThat(stdout(engine, info.id()).split("\n")).containsExactly(
                "/opt/app/conf 750 1000 1000 2", "/opt/app/conf/app.properties 640 1000 1000 2", "/opt/app/bin/run.sh 755 0 0 1",
                "/opt/app/conf/hard 640 1000 1000 2", "greeting=hello", "running", "replaced:x:0:0::/:/bin/sh");
        ContainerInfo other = create(ContainerSpec.builder(busybox()).cmd("head", "-1", "/etc/passwd"));
        engine.startContainer(other.id());
        exited(engine, other.id());
        assertThat(stdout(engine, other.id())).as("the image itself is untouched").startsWith("root:");
    }

    @Test
    void filesCopiedInWhileRunningAreSeenAtOnceAndVolumesGetTheirShare() throws IOException {
        String volume = "it-copy-" + System.nanoTime();
        ContainerInfo info = run(ContainerSpec.builder(busybox()).mount(Mount.volume(volume, "/shared", false))
                .cmd("sleep", "1000"));

        engine.copyToContainer(info.id(), "/new/dir", new ByteArrayInputStream(appArchive()));
        engine.copyToContainer(info.id(), "/shared", new ByteArrayInputStream(single("note.txt", "in the volume")));

        assertThat(engine.exec(info.id(), ExecSpec.of("cat", "/new/dir/conf/link", "/shared/note.txt")).stdout())
                .isEqualTo("greeting=hello\nin the volume");
        assertThat(ContainerTestbed.state().resolve("volumes").resolve(volume).resolve("_data").resolve("note.txt"))
                .hasContent("in the volume");
    }

    @Test
    void aSymlinkInTheContainerCannotLeadACopyOutOfIt(@org.junit.jupiter.api.io.TempDir Path host) throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox())
                .cmd("sh", "-c", "mkdir -p /data " + host + "; ln -s / /data/escape; ln -s " + host + " /data/hostdir; sleep 1000"));
        assertThat(engine.exec(info.id(), ExecSpec.of("sh", "-c", "while [ ! -L /data/hostdir ]; do sleep 0.01; done"))
                .exitCode()).isZero();

        engine.copyToContainer(info.id(), "/data", new ByteArrayInputStream(single("escape/pwned", "inside")));
        engine.copyToContainer(info.id(), "/data/hostdir", new ByteArrayInputStream(single("pwned", "inside too")));

        assertThat(Path.of("/pwned")).doesNotExist();
        try (var files = Files.list(host)) {
            assertThat(files).isEmpty();
        }
        assertThat(engine.exec(info.id(), ExecSpec.of("cat", "/pwned", host + "/pwned")).stdout()).isEqualTo("insideinside too");
    }

    @Test
    void anArchiveThatClimbsOutOfItsDestinationIsRefused() throws IOException {
        ContainerInfo info = create(ContainerSpec.builder(busybox()).cmd("true"));

        assertThatThrownBy(() -> engine.copyToContainer(info.id(), "/data",
                new ByteArrayInputStream(single("../../../../escaped.txt", "no"))))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("climbs out of the destination");
        assertThat(Path.of("/escaped.txt")).doesNotExist();
    }

    @Test
    void aFileAndADirectoryAreCopiedOutWithOwnersModesAndLinks() throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).cmd("sh", "-c",
                "mkdir -p /out/sub && echo one > /out/file && chown 1000:1001 /out/file && chmod 640 /out/file "
                        + "&& echo two > /out/sub/x && ln -s file /out/link && ln /out/file /out/hard"));
        exited(engine, info.id());

        Map<String, String> contents = new LinkedHashMap<>();
        Map<String, TarArchiveEntry> file;
        try (InputStream tar = engine.copyFromContainer(info.id(), "/out/file")) {
            file = entries(tar, contents);
        }
        assertThat(file).containsOnlyKeys("file");
        assertThat(file.get("file").getMode() & 07777).isEqualTo(0640);
        assertThat(file.get("file").getLongUserId()).isEqualTo(1000);
        assertThat(file.get("file").getLongGroupId()).isEqualTo(1001);
        assertThat(contents.get("file")).isEqualTo("one\n");

        contents.clear();
        Map<String, TarArchiveEntry> dir;
        try (InputStream tar = engine.copyFromContainer(info.id(), "/out")) {
            dir = entries(tar, contents);
        }
        assertThat(dir).containsOnlyKeys("out/", "out/file", "out/hard", "out/link", "out/sub/", "out/sub/x");
        assertThat(dir.get("out/link").isSymbolicLink()).isTrue();
        assertThat(dir.get("out/link").getLinkName()).isEqualTo("file");
        assertThat(dir.get("out/hard").isLink()).isTrue();
        assertThat(dir.get("out/hard").getLinkName()).isEqualTo("out/file");
        assertThat(contents).containsEntry("out/sub/x", "two\n");
    }

    @Test
    void filesAreCopiedOutOfARunningContainerAndAMissingPathIsAClearError() throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox())
                .cmd("sh", "-c", "echo live > /live.txt; sleep 1000"));
        assertThat(engine.exec(info.id(), ExecSpec.of("sh", "-c", "while [ ! -s /live.txt ]; do sleep 0.01; done")).exitCode())
                .isZero();

        Map<String, String> contents = new LinkedHashMap<>();
        try (InputStream tar = engine.copyFromContainer(info.id(), "/live.txt")) {
            entries(tar, contents);
        }

        assertThat(contents).containsExactly(Map.entry("live.txt", "live\n"));
        assertThatThrownBy(() -> engine.copyFromContainer(info.id(), "/not/there"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("no such file or directory in the container");
    }
}
