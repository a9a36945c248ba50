package dev.stevedore.engine.internal.layer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarReaderTest {

    private static List<TarEntry> read(byte[] tar) throws IOException {
        TarReader reader = new TarReader(new ByteArrayInputStream(tar), 1000);
        List<TarEntry> entries = new ArrayList<>();
        TarEntry e;
        while ((e = reader.next()) != null) {
            entries.add(e);
        }
        return entries;
    }

    private interface Writer {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    private static byte[] tar(int longFileMode, int bigNumberMode, Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(longFileMode);
            out.setBigNumberMode(bigNumberMode);
            writer.write(out);
        }
        return bytes.toByteArray();
    }

    private static void entry(TarArchiveOutputStream out, TarArchiveEntry entry, byte[] content) throws IOException {
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    @Test
    void readsGnuLongNamesAndLinkTargets() throws IOException {
        String longName = "dir/" + "n".repeat(150);
        String longTarget = "t/".repeat(80);
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.BIGNUMBER_ERROR, out -> {
            entry(out, new TarArchiveEntry(longName), new byte[] {1, 2});
            TarArchiveEntry link = new TarArchiveEntry("link", TarConstants.LF_SYMLINK);
            link.setLinkName(longTarget);
            entry(out, link, new byte[0]);
        });

        List<TarEntry> entries = read(tar);

        assertThat(new String(entries.get(0).name(), StandardCharsets.UTF_8)).isEqualTo(longName);
        assertThat(entries.get(0).size()).isEqualTo(2);
        assertThat(new String(entries.get(1).linkName(), StandardCharsets.UTF_8)).isEqualTo(longTarget);
    }

    @Test
    void readsBase256NumbersAsStarAndGnuTarWriteThem() throws IOException {
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_ERROR, TarArchiveOutputStream.BIGNUMBER_STAR, out -> {
            TarArchiveEntry big = new TarArchiveEntry("big-owner");
            big.setUserId(3_000_000_000L);
            big.setGroupId(2_500_000_000L);
            entry(out, big, new byte[0]);
        });

        TarEntry entry = read(tar).get(0);

        assertThat(entry.uid()).isEqualTo(3_000_000_000L);
        assertThat(entry.gid()).isEqualTo(2_500_000_000L);
    }

    @Test
    void aLaterExtendedHeaderReplacesAnEarlierOneAsGoAndGnuTarRead() throws IOException {
        byte[] tar = LayerBuilder.layer()
                .file("real", new byte[0], e -> e.pax("path", "decoy".getBytes(StandardCharsets.UTF_8)))
                .tar();
        // Put a second extended header in front of the entry's own one: only the last may count.
        byte[] first = LayerBuilder.layer().file("x", new byte[0], e -> e.pax("path", "ignored".getBytes(StandardCharsets.UTF_8))
                .pax("SCHILY.xattr.user.a", "1".getBytes(StandardCharsets.UTF_8))).tar();
        byte[] combined = new byte[1024 + tar.length];
        System.arraycopy(first, 0, combined, 0, 1024); // its x header and data block only
        System.arraycopy(tar, 0, combined, 1024, tar.length);

        List<TarEntry> entries = read(combined);

        assertThat(entries).hasSize(1);
        assertThat(new String(entries.get(0).name(), StandardCharsets.UTF_8)).isEqualTo("decoy");
        assertThat(entries.get(0).xattrs()).isEmpty();
    }

    @Test
    void keepsBinaryPaxValuesByteForByte() throws IOException {
        byte[] value = {0, (byte) 0x80, (byte) 0xfe, '=', '\n', 0x7f};
        byte[] tar = LayerBuilder.layer().file("f", new byte[0], e -> e.xattr("security.capability", value)).tar();

        assertThat(read(tar).get(0).xattrs().get("security.capability")).isEqualTo(value);
    }

    @Test
    void treatsHeaderOnlyTypesAsHavingNoContent() throws IOException {
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_ERROR, TarArchiveOutputStream.BIGNUMBER_ERROR, out -> {
            TarArchiveEntry dir = new TarArchiveEntry("d/");
            out.putArchiveEntry(dir);
            out.closeArchiveEntry();
            entry(out, new TarArchiveEntry("after"), "content".getBytes(StandardCharsets.UTF_8));
        });

        List<TarEntry> entries = read(tar);

        assertThat(entries).extracting(TarEntry::type).containsExactly(TarEntry.DIRECTORY, TarEntry.REGULAR);
        assertThat(entries.get(1).size()).isEqualTo(7);
    }

    @Test
    void refusesSparseFiles() throws IOException {
        byte[] tar = LayerBuilder.layer().file("sparse", new byte[0],
                e -> e.pax("GNU.sparse.major", "1".getBytes(StandardCharsets.US_ASCII))).tar();

        assertThatThrownBy(() -> read(tar)).isInstanceOf(LayerFault.class).hasMessageContaining("sparse");
    }

    @Test
    void refusesAPaxRecordWhoseLengthDoesNotMatchItsText() throws IOException {
        byte[] tar = LayerBuilder.layer().file("g", new byte[0], e -> e.pax("path", "p".getBytes(StandardCharsets.UTF_8))).tar();
        assertThat(new String(tar, 512, 9, StandardCharsets.US_ASCII)).isEqualTo("9 path=p\n");
        tar[512] = '8'; // "8 path=p\n": the PAX data is not covered by the header checksum

        assertThatThrownBy(() -> read(tar)).isInstanceOf(LayerFault.class).hasMessageContaining("PAX");
    }
}
