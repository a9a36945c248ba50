package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Base64;
import java.util.Locale;

/**
 * {@code docker cp}: {@code GET /containers/{id}/archive} (a tar of the path, with its stat in the
 * {@code X-Docker-Container-Path-Stat} header, which the CLI needs), {@code HEAD} (the stat alone) and
 * {@code PUT} (a tar extracted into a directory). The stat is read from the first entry of the engine's tar.
 */
final class ArchiveRoutes {
    static final String STAT_HEADER = "X-Docker-Container-Path-Stat";
    /** Go's {@code os.FileMode} type bits. */
    private static final long GO_DIR = 1L << 31;
    private static final long GO_SYMLINK = 1L << 27;
    private static final long GO_DEVICE = 1L << 26;
    private static final long GO_PIPE = 1L << 25;
    private static final long GO_SOCKET = 1L << 24;
    private static final long GO_SETUID = 1L << 23;
    private static final long GO_SETGID = 1L << 22;
    private static final long GO_CHAR_DEVICE = 1L << 21;
    private static final long GO_STICKY = 1L << 20;

    private final ServeState state;
    private final ContainerRoutes containers;

    ArchiveRoutes(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("GET", "/containers/(?<id>[^/]+)/archive", x -> get(x, true))
                .add("HEAD", "/containers/(?<id>[^/]+)/archive", x -> get(x, false))
                .add("PUT", "/containers/(?<id>[^/]+)/archive", this::put);
    }

    private void get(Exchange x, boolean body) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        String path = path(x.request());
        if (!body && c.state().running()) {
            Optional<ObjectNode> stat = statByExec(c, path);
            if (stat.isPresent()) {
                x.response().header(STAT_HEADER, Base64.getEncoder().encodeToString(Json.bytes(stat.get())));
                x.response().send(200, "application/x-tar", new byte[0]);
                return;
            }
        }
        InputStream tar;
        try {
            tar = state.engine.copyFromContainer(c.id(), path);
        } catch (ContainerEngineException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("no such file")) {
                throw ApiException.notFound("Could not find the file " + path + " in container " + c.name());
            }
            throw e;
        }
        try (tar) {
            Recording recording = new Recording(tar);
            TarArchiveEntry first = new TarArchiveInputStream(recording, StandardCharsets.UTF_8.name()).getNextEntry();
            if (first == null) {
                throw ApiException.notFound("Could not find the file " + path + " in container " + c.name());
            }
            x.response().header(STAT_HEADER, Base64.getEncoder().encodeToString(Json.bytes(stat(first, path))));
            if (!body) {
                x.response().send(200, "application/x-tar", new byte[0]);
                return;
            }
            OutputStream out = x.response().stream(200, "application/x-tar");
            out.write(recording.recorded());
            tar.transferTo(out);
        }
    }

    /**
     * The stat of {@code path} from {@code stat} run in the container: the engine's tar of a directory (of {@code /}
     * when the CLI copies into the root) would be read whole for one header. Empty when the image has no
     * {@code stat} (the tar then answers); a 404 when the path is not there.
     */
    private Optional<ObjectNode> statByExec(ContainerInfo c, String path) {
        ExecResult stat;
        try {
            stat = state.engine.exec(c.id(), ExecSpec.of("stat", "-c", "%f|%s|%Y", path).withUser("0"));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (stat.exitCode() == 1 && stat.stderr().toLowerCase(Locale.ROOT).contains("no such file")) {
            throw ApiException.notFound("Could not find the file " + path + " in container " + c.name());
        }
        String[] fields = stat.stdout().strip().split("\\|");
        if (stat.exitCode() != 0 || fields.length != 3) {
            return Optional.empty();
        }
        try {
            int mode = Integer.parseInt(fields[0], 16);
            String link = "";
            if ((mode & 0170000) == 0120000) {
                ExecResult readlink = state.engine.exec(c.id(), ExecSpec.of("readlink", path).withUser("0"));
                link = readlink.exitCode() == 0 ? readlink.stdout().strip() : "";
            }
            return Optional.of(Json.object().put("name", path.equals("/") ? "/" : baseName(path)).put("size", Long.parseLong(fields[1]))
                    .put("mode", goMode(mode)).put("mtime", Json.time(Instant.ofEpochSecond(Long.parseLong(fields[2]))))
                    .put("linkTarget", link));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A {@code st_mode} as Go's {@code os.FileMode}. */
    static long goMode(int mode) {
        long go = mode & 0777;
        if ((mode & 04000) != 0) {
            go |= GO_SETUID;
        }
        if ((mode & 02000) != 0) {
            go |= GO_SETGID;
        }
        if ((mode & 01000) != 0) {
            go |= GO_STICKY;
        }
        switch (mode & 0170000) {
            case 0040000 -> go |= GO_DIR;
            case 0120000 -> go |= GO_SYMLINK;
            case 0020000 -> go |= GO_DEVICE | GO_CHAR_DEVICE;
            case 0060000 -> go |= GO_DEVICE;
            case 0010000 -> go |= GO_PIPE;
            case 0140000 -> go |= GO_SOCKET;
            default -> { }
        }
        return go;
    }

    private void put(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        String path = path(x.request());
        state.engine.copyToContainer(c.id(), path, x.request().body());
        x.response().empty(200);
    }

    private static String path(HttpRequest request) {
        String path = request.query("path");
        if (path == null || path.isEmpty()) {
            throw ApiException.badRequest("Bad parameter: path cannot be empty");
        }
        return path.startsWith("/") ? path : "/" + path;
    }

    /** Docker's {@code PathStat}: name, size, Go file mode, modification time, link target. */
    static ObjectNode stat(TarArchiveEntry entry, String path) {
        String name = path.equals("/") ? "/" : baseName(path);
        return Json.object().put("name", name).put("size", entry.isDirectory() ? 4096 : entry.getSize())
                .put("mode", goMode(entry)).put("mtime", Json.time(entry.getModTime().toInstant()))
                .put("linkTarget", entry.isSymbolicLink() ? entry.getLinkName() : "");
    }

    private static String baseName(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    static long goMode(TarArchiveEntry entry) {
        int type = entry.isDirectory() ? 0040000 : entry.isSymbolicLink() ? 0120000 : entry.isCharacterDevice() ? 0020000
                : entry.isBlockDevice() ? 0060000 : entry.isFIFO() ? 0010000 : 0100000;
        return goMode((entry.getMode() & 07777) | type);
    }

    /** Keeps what is read through it, so the bytes read to find the first entry can be sent on. */
    private static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                seen.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                seen.write(buffer, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        byte[] recorded() {
            return seen.toByteArray();
        }
    }
}
