package dev.stevedore.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class TarsTest {

    @Test
    void aStreamedFileIsOneEntryWithItsModeAndContentPaddedToWholeRecords() throws IOException {
        byte[] content = "a file of 27 bytes, no more".getBytes(StandardCharsets.UTF_8);
        byte[] tar;
        try (InputStream in = Tars.ofFile("data.tar", new ByteArrayInputStream(content), content.length, 0600)) {
            tar = in.readAllBytes();
        }
        assertThat(tar.length % 512).isZero();
        assertThat(tar).hasSize(512 + 512 + 1024);
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry entry = in.getNextEntry();
            assertThat(entry.getName()).isEqualTo("data.tar");
            assertThat(entry.getMode() & 07777).isEqualTo(0600);
            assertThat(in.readAllBytes()).isEqualTo(content);
            assertThat(in.getNextEntry()).isNull();
        }
    }

    @Test
    void aStreamedFileOfWholeRecordsGetsNoPadding() throws IOException {
        byte[] content = new byte[1024];
        content[1023] = 7;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Tars.ofFile("f", new ByteArrayInputStream(content), content.length, 0644)) {
            assertThat(in.readAllBytes()).hasSize(512 + 1024 + 1024);
        }
        assertThat(Tars.extractFirstFile(Tars.ofFile("f", new ByteArrayInputStream(content), content.length, 0644), out)).isTrue();
        assertThat(out.toByteArray()).isEqualTo(content);
    }
}
