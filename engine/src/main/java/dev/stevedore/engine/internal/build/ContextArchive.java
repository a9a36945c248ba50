package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * A build's context as the tar a Docker daemon's {@code POST /build} takes: what {@code .dockerignore} leaves of the
 * context directory, the files given one by one, and the Dockerfile (given as text, it is added under its name).
 * {@code .dockerignore} is applied here, on the client's side, as the docker CLI does.
 */
public final class ContextArchive {
    private ContextArchive() {
    }

    /** The name the Dockerfile has in the archive. */
    public static String dockerfileName(BuildSpec spec) {
        return spec.dockerfileText() != null ? ".stevedore.Dockerfile" : spec.dockerfile();
    }

    /** Writes the archive to {@code out} (not closed). */
    public static void write(BuildSpec spec, OutputStream out) throws IOException {
        BuildContext context = new BuildContext(spec.contextDirectory(), spec.files(), ImageBuilder.ignore(spec));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Map.Entry<String, Path> e : context.below("").entrySet()) {
            Path file = e.getValue();
            TarArchiveEntry entry;
            if (Files.isSymbolicLink(file)) {
                entry = new TarArchiveEntry(e.getKey(), TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName(Files.readSymbolicLink(file).toString());
            } else {
                entry = new TarArchiveEntry(file.toFile(), e.getKey());
            }
            Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
            entry.setMode((Integer) a.get("mode") & 07777);
            entry.setUserId((Integer) a.get("uid"));
            entry.setGroupId((Integer) a.get("gid"));
            tar.putArchiveEntry(entry);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                try (InputStream in = Files.newInputStream(file)) {
                    in.transferTo(tar);
                }
            }
            tar.closeArchiveEntry();
        }
        if (spec.dockerfileText() != null) {
            byte[] text = spec.dockerfileText().getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(dockerfileName(spec));
            entry.setSize(text.length);
            entry.setMode(0644);
            tar.putArchiveEntry(entry);
            tar.write(text);
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }
}
