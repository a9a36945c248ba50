package dev.stevedore.engine.internal.docker;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerArchiveTest {

    @Test
    void entriesMoveBelowTheMissingDirectoriesWhichComeFirst() throws IOException {
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        String longName = "d/" + "x".repeat(150) + ".txt";
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(original)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.putArchiveEntry(new TarArchiveEntry("./"));
            out.closeArchiveEntry();
            TarArchiveEntry file = new TarArchiveEntry("./d/file.sh");
            file.setMode(0100755);
            file.setIds(1000, 1000);
            file.setSize(3);
            out.putArchiveEntry(file);
            out.write("hi\n".getBytes(StandardCharsets.US_ASCII));
            out.closeArchiveEntry();
            TarArchiveEntry hard = new TarArchiveEntry("d/hard", TarConstants.LF_LINK);
            hard.setLinkName("./d/file.sh");
            out.putArchiveEntry(hard);
            out.closeArchiveEntry();
            TarArchiveEntry symlink = new TarArchiveEntry("d/soft", TarConstants.LF_SYMLINK);
            symlink.setLinkName("/etc/passwd");
            out.putArchiveEntry(symlink);
            out.closeArchiveEntry();
            TarArchiveEntry longOne = new TarArchiveEntry(longName);
            longOne.setSize(0);
            out.putArchiveEntry(longOne);
            out.closeArchiveEntry();
        }
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();

        DockerArchive.writePrefixed(new ByteArrayInputStream(original.toByteArray()), List.of("opt", "app"), rewritten);

        List<TarArchiveEntry> entries = new ArrayList<>();
        Map<String, String> contents = new java.util.HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(rewritten.toByteArray()))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.add(e);
                contents.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).extracting(TarArchiveEntry::getName)
                .containsExactly("opt/", "opt/app/", "opt/app/", "opt/app/d/file.sh", "opt/app/d/hard", "opt/app/d/soft", "opt/app/" + longName);
        assertThat(entries.get(0).isDirectory()).isTrue();
        assertThat(entries.get(0).getMode() & 07777).isEqualTo(0755);
        TarArchiveEntry file = entries.get(3);
        assertThat(file.getMode() & 07777).isEqualTo(0755);
        assertThat(file.getLongUserId()).isEqualTo(1000);
        assertThat(contents).containsEntry("opt/app/d/file.sh", "hi\n");
        assertThat(entries.get(4).getLinkName()).isEqualTo("opt/app/d/file.sh");
        assertThat(entries.get(5).getLinkName()).isEqualTo("/etc/passwd");
    }

    @Test
    void directoriesAreAbsoluteAndNormalised() {
        assertThat(DockerArchive.normalise("/a//b/./c/")).isEqualTo("/a/b/c");
        assertThat(DockerArchive.normalise("/")).isEqualTo("/");
        assertThatThrownBy(() -> DockerArchive.normalise("relative/dir")).isInstanceOf(IllegalArgumentException.class);
        assertThat(DockerArchive.normalise("/../etc")).isEqualTo("/etc");
        assertThat(DockerArchive.relative("./a")).isEqualTo("a");
        assertThat(DockerArchive.relative("/a")).isEqualTo("a");
        assertThat(DockerArchive.relative(".")).isEmpty();
    }
}
