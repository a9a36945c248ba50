package dev.stevedore.engine.internal.layer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a container would see: mounts the given layer directories as a read-only overlay in a private
 * mount namespace of a child process ({@code unshare --mount}), archives the merged tree to stdout and
 * reads it back. The mount lives and dies with that process, so nothing is left in the host's mount
 * table; {@link #of} checks that too. Needs root.
 */
final class MergedView {
    /**
     * One file of the merged tree.
     *
     * @param type    '-' regular, 'd' directory, 'l' symlink, 'h' hard link (to {@code link}), 'c'/'b' device, 'p' fifo
     * @param content the content of a regular file (UTF-8), else empty
     * @param link    a symlink's target or a hard link's first name, else empty
     * @param sha256  hex sha256 of a regular file's bytes (exact where {@code content} is lossy), else empty
     */
    record Node(char type, int mode, long uid, long gid, String content, String link, Map<String, String> xattrs,
                String sha256) {
    }

    private MergedView() {
    }

    /** The merged tree of {@code layers} (bottom first), by path relative to the root ("etc/passwd"). */
    static Map<String, Node> of(List<Path> layers) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("stevedore-merged");
        Path mountPoint = Files.createDirectory(scratch.resolve("merged"));
        // Overlay refuses a single lowerdir without an upperdir: an empty bottom layer makes any count work.
        Path empty = Files.createDirectory(scratch.resolve("empty"));
        try {
            List<String> lower = new ArrayList<>();
            for (int i = layers.size() - 1; i >= 0; i--) {
                lower.add(layers.get(i).toString());
            }
            lower.add(empty.toString());
            String script = "mount -t overlay overlay -o ro,lowerdir=\"$2\" \"$1\" && "
                    + "tar --numeric-owner --xattrs --xattrs-include='*' -C \"$1\" -cf - .";
            Process process = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                    "sh", mountPoint.toString(), String.join(":", lower)).start();
            CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            Map<String, Node> tree = read(process.getInputStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("mounting and archiving the merged view took more than 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("mounting the overlay of " + lower + " failed (exit " + process.exitValue()
                        + "): " + new String(errors.join(), StandardCharsets.UTF_8));
            }
            String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
            if (mounts.contains(mountPoint.toString())) {
                throw new IllegalStateException("the overlay at " + mountPoint + " leaked into the host mount table");
            }
            return tree;
        } finally {
            Files.deleteIfExists(mountPoint);
            Files.deleteIfExists(empty);
            Files.deleteIfExists(scratch);
        }
    }

    private static Map<String, Node> read(InputStream in) throws IOException {
        Map<String, Node> tree = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                while (name.startsWith("./")) {
                    name = name.substring(2);
                }
                if (name.endsWith("/")) {
                    name = name.substring(0, name.length() - 1);
                }
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                char type = e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : e.isLink() ? 'h'
                        : e.isCharacterDevice() ? 'c' : e.isBlockDevice() ? 'b' : e.isFIFO() ? 'p' : '-';
                byte[] bytes = type == '-' ? tar.readAllBytes() : new byte[0];
                String content = new String(bytes, StandardCharsets.UTF_8);
                String sha256 = type == '-' ? java.util.HexFormat.of().formatHex(
                        dev.stevedore.engine.internal.store.Digest.sha256().digest(bytes)) : "";
                Map<String, String> xattrs = new TreeMap<>();
                e.getExtraPaxHeaders().forEach((k, v) -> {
                    if (k.startsWith("SCHILY.xattr.")) {
                        xattrs.put(k.substring("SCHILY.xattr.".length()), v);
                    }
                });
                tree.put(name, new Node(type, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), content,
                        e.getLinkName(), xattrs, sha256));
            }
        }
        return tree;
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
