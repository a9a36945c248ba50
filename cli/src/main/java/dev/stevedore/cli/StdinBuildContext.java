package dev.stevedore.cli;

import dev.stevedore.engine.BuildSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * {@code stevedore build -}: what docker reads from standard input there — a build context as a tar (plain, gzip,
 * bzip2, xz), or a Dockerfile alone with no context. A tar's directories and regular files are written into a fresh
 * temporary directory, the build's context: a name that climbs out of it ({@code ..}) is refused, and links and
 * devices are left out, so nothing the archive names can lead outside it.
 */
final class StdinBuildContext implements AutoCloseable {
    private final Path directory;
    private BuildSpec.Builder builder;

    private StdinBuildContext(Path directory) {
        this.directory = directory;
    }

    /** The build of what was read: its context files, or its Dockerfile's text. */
    BuildSpec.Builder builder() {
        return builder;
    }

    /**
     * Reads {@code stdin}: the archive's files, or the Dockerfile's text when it is not an archive; the caller closes
     * the result once the build is done (the files are deleted).
     *
     * @throws IllegalArgumentException when a member's name leaves the context
     */
    static StdinBuildContext read(InputStream stdin) throws IOException {
        Path directory = Files.createTempDirectory("stevedore-build-stdin-");
        StdinBuildContext context = new StdinBuildContext(directory);
        try {
            InputStream in = new BufferedInputStream(stdin, 1 << 16);
            try {
                in = new BufferedInputStream(new CompressorStreamFactory().createCompressorInputStream(in), 1 << 16);
            } catch (CompressorException plain) {
                // not compressed: a tar, or a Dockerfile
            }
            in.mark(512);
            byte[] head = in.readNBytes(512);
            in.reset();
            if (head.length == 512 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                context.unpack(in);
                context.builder = BuildSpec.builder(directory);
            } else {
                context.builder = BuildSpec.builder().dockerfileText(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return context;
        } catch (IOException | RuntimeException e) {
            context.close();
            throw e;
        }
    }

    private void unpack(InputStream in) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            String name = contextPath(entry.getName());
            if (name.isEmpty()) {
                continue;
            }
            // every path below is made here from checked names, and nothing here is a link: none can lead out
            Path target = directory.resolve(name);
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isFile() && !entry.isSymbolicLink() && !entry.isLink()) {
                Files.createDirectories(target.getParent());
                Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, permissions(entry.getMode()));
            }
            // links and devices have no place in a context read this way
        }
    }

    /** The member's path in the context: {@code ./} and leading slashes dropped, {@code ..} refused. */
    static String contextPath(String member) {
        List<String> parts = new ArrayList<>();
        for (String part : member.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new IllegalArgumentException("the build context's member " + member + " lies outside the context");
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }

    @Override
    public void close() {
        try (var files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the build context copied from standard input in " + directory, e);
        }
    }
}
