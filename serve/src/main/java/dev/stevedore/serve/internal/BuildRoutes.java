package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.BuildCachePrune;
import dev.stevedore.engine.BuildCachePruned;
import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExtraHost;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.Platform;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code POST /build} as dockerd's classic builder answers it: the context tar (plain, gzip, bzip2 or xz) unpacked
 * into a temporary directory, the query's {@code t}, {@code dockerfile}, {@code buildargs}, {@code labels},
 * {@code target}, {@code nocache}, {@code pull} and {@code platform} made a {@link BuildSpec}, and the build's events
 * streamed as the {@code stream} lines, {@code aux.ID} and {@code Successfully built/tagged} lines that the docker CLI
 * and docker-java read; with {@code q} only the image id (the steps too when the build fails). A BuildKit session ({@code version=2}) is refused with what to set instead.
 */
final class BuildRoutes {
    static final String NO_BUILDKIT = "BuildKit builds are not supported by stevedore serve: use the classic builder"
            + " (set DOCKER_BUILDKIT=0 for the docker CLI; docker-java and Testcontainers use it already)";

    private final ServeState state;

    BuildRoutes(ServeState state) {
        this.state = state;
    }

    void register(Router router) {
        router.add("POST", "/build", this::build);
        router.add("POST", "/build/prune", this::prune);
        // a BuildKit client opens its session before it asks for the build: refuse it there, with the same sentence
        router.add("POST", "/session", x -> {
            throw new ApiException(501, NO_BUILDKIT);
        });
    }

    /** {@code POST /build/prune}: {@code all}, {@code keep-storage} (bytes) and {@code filters} ({@code until}) as dockerd reads them. */
    private void prune(Exchange x) throws IOException {
        HttpRequest request = x.request();
        BuildCachePrune options;
        try {
            // API 1.48 renamed keep-storage to reserved-space
            String keep = request.query("reserved-space") != null ? request.query("reserved-space") : request.query("keep-storage");
            options = BuildCachePrune.of(request.flag("all"), keep == null || keep.isBlank() ? 0 : Long.parseLong(keep),
                    Filters.parse(request.query("filters")).all());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        BuildCachePruned pruned = state.engine.pruneBuildCache(options);
        ArrayNode deleted = Json.array();
        pruned.deleted().forEach(deleted::add);
        x.response().json(200, Json.object().<ObjectNode>set("CachesDeleted", deleted).put("SpaceReclaimed", pruned.spaceReclaimed()));
    }

    private void build(Exchange x) throws IOException {
        HttpRequest request = x.request();
        if ("2".equals(request.query("version"))) {
            throw new ApiException(501, NO_BUILDKIT);
        }
        if (request.query("remote") != null && !request.query("remote").isBlank()) {
            throw new ApiException(501, "builds from a remote context are not supported by stevedore serve: send the context");
        }
        Path context = Files.createTempDirectory("stevedore-serve-build-");
        try {
            unpack(request.body(), context);
            BuildSpec spec = spec(request, context);
            OutputStream out = x.response().stream(200, HttpResponse.JSON);
            // q (docker build -q): the steps are held back and only the image id is sent, as dockerd does; a
            // failed build sends what was held back before its error, so the user sees why
            boolean quiet = request.flag("q");
            java.util.Queue<BuildEvent> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
            try {
                Image image = state.engine.build(spec, quiet ? held::add : event -> write(out, event));
                if (quiet) {
                    write(out, Json.object().put("stream", image.id() + "\n"));
                }
            } catch (RuntimeException e) {
                held.forEach(event -> write(out, event));
                String message = Errors.of(e).getMessage();
                ObjectNode line = Json.object();
                line.set("errorDetail", Json.object().put("message", message));
                line.put("error", message);
                write(out, line);
            }
        } finally {
            deleteTree(context);
        }
    }

    /**
     * The options of dockerd's builder that this one cannot apply are refused by name when set to anything but what
     * the docker CLI sends by default, never taken and dropped. {@code rm} and {@code forcerm} are accepted without
     * effect: this builder leaves no intermediate containers to keep or remove.
     */
    private static void refuseWhatCannotBeApplied(HttpRequest request) {
        for (String name : List.of("cpusetcpus", "cpusetmems", "cgroupparent", "outputs")) {
            refuseUnless(request, name, "");
        }
        for (String name : List.of("shmsize", "memory", "memswap", "cpushares", "cpuquota", "cpuperiod")) {
            refuseUnless(request, name, "", "0");
        }
        for (String name : List.of("ulimits", "cachefrom")) {
            refuseUnless(request, name, "", "null", "[]");
        }
        refuseUnless(request, "squash", "", "0", "false");
        refuseUnless(request, "isolation", "", "default");
    }

    private static void refuseUnless(HttpRequest request, String name, String... defaults) {
        String value = request.query(name);
        if (value != null && !List.of(defaults).contains(value)) {
            throw ApiException.badRequest("the build option " + name + "=" + value + " is not supported by stevedore"
                    + " serve's builder; build without it");
        }
    }

    /**
     * {@code networkmode} (the RUN steps' network when they name none: {@code default}, {@code none}, {@code host}, or
     * a user network, which this builder cannot join) and {@code extrahosts} (the docker CLI sends each
     * {@code --add-host} as a value of its own).
     */
    private static void network(HttpRequest request, BuildSpec.Builder spec) {
        String network = request.query("networkmode");
        if (network != null && !network.isEmpty() && !BuildSpec.NETWORK_MODES.contains(network)) {
            throw ApiException.badRequest("networkmode " + network + " (docker build --network) is not supported by"
                    + " stevedore serve's builder: its RUN steps take default, none or host");
        }
        spec.networkMode(network);
        for (String entry : request.query().getOrDefault("extrahosts", List.of())) {
            for (String host : entry.split(",")) {
                if (!host.isBlank()) {
                    try {
                        ExtraHost.parse(host.strip());
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest(e.getMessage());
                    }
                    spec.extraHost(host.strip());
                }
            }
        }
    }

    private static BuildSpec spec(HttpRequest request, Path context) {
        refuseWhatCannotBeApplied(request);
        BuildSpec.Builder spec = BuildSpec.builder(context);
        String dockerfile = request.query("dockerfile");
        if (dockerfile != null && !dockerfile.isBlank()) {
            spec.dockerfile(dockerfile);
        }
        for (String tag : request.query().getOrDefault("t", java.util.List.of())) {
            try {
                spec.tag(tag);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid tag " + tag + ": " + e.getMessage());
            }
        }
        strings(request.query("buildargs"), "buildargs").forEach(spec::buildArg);
        strings(request.query("labels"), "labels").forEach(spec::label);
        spec.target(request.query("target"));
        spec.noCache(request.flag("nocache"));
        network(request, spec);
        if (request.flag("pull")) {
            spec.pullPolicy(ContainerSpec.PullPolicy.ALWAYS);
        }
        String platform = request.query("platform");
        if (platform != null && !platform.isBlank()) {
            try {
                spec.platform(Platform.parse(platform));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return spec.build();
    }

    /** A JSON object of strings from a query parameter; a {@code null} value (an arg without one) is left out. */
    private static Map<String, String> strings(String json, String name) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return values;
        }
        JsonNode node;
        try {
            node = Json.read(new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw ApiException.badRequest(name + " is not a JSON object: " + e.getMessage());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull()) {
                values.put(e.getKey(), e.getValue().asText());
            }
        }
        return values;
    }

    /** dockerd sends the image's id as {@code aux} right before {@code Successfully built}: {@code --iidfile} reads it. */
    private static void write(OutputStream out, BuildEvent event) {
        if (event.kind() == BuildEvent.Kind.BUILT) {
            write(out, Json.object().set("aux", Json.object().put("ID", event.text())));
        }
        write(out, Json.object().put("stream", event.line() + "\n"));
    }

    private static void write(OutputStream out, ObjectNode line) {
        try {
            out.write(Json.bytes(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // the client went away; the build goes on, as dockerd's does
        }
    }

    /** Unpacks the context, refusing entries that would land outside it (through {@code ..} or a symlinked parent). */
    private static void unpack(InputStream body, Path root) throws IOException {
        InputStream in = new BufferedInputStream(body);
        try {
            in = new BufferedInputStream(new CompressorStreamFactory().createCompressorInputStream(in));
        } catch (CompressorException plain) {
            // an uncompressed tar
        }
        Path realRoot = root.toRealPath();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            Path target = root.resolve(entry.getName()).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                continue;
            }
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(realRoot)) {
                throw ApiException.badRequest("the build context's entry " + entry.getName() + " lies outside the context");
            }
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isSymbolicLink()) {
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isFile()) {
                Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                continue;
            }
            if (!entry.isSymbolicLink()) {
                Files.setPosixFilePermissions(target, permissions(entry.getMode()));
            }
        }
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> set = java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
        java.nio.file.attribute.PosixFilePermission[] order = java.nio.file.attribute.PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(root);
        }
    }
}
