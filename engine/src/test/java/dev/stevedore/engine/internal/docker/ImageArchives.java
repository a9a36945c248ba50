package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ImageConfig;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds small image archives in test code, for loading into a daemon. */
final class ImageArchives {
    /** The config {@link #dockerSave} writes, as {@link ImageConfig} should read it back. */
    static final ImageConfig EXPECTED_CONFIG = new ImageConfig(
            List.of("/bin/app", "--serve"),
            List.of("--port", "8080"),
            List.of("PATH=/usr/bin:/bin", "GREETING=hello world"),
            "/srv",
            "1000:1000",
            Set.of("8080/tcp", "53/udp"),
            Set.of("/data"),
            Map.of("org.example.team", "stevedore"),
            "SIGINT",
            new ImageConfig.Healthcheck(List.of("CMD-SHELL", "wget -q -O- http://localhost:8080/health"),
                    Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1), 3));

    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageArchives() {
    }

    /** A {@code docker save} archive of one image with one tiny layer and {@link #EXPECTED_CONFIG}, tagged {@code tag}. */
    static Path dockerSave(Path dir, String tag) throws IOException {
        byte[] layer = layer();
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64").put("os", "linux").put("created", "2024-01-02T03:04:05Z");
        ObjectNode c = config.putObject("config");
        strings(c.putArray("Entrypoint"), EXPECTED_CONFIG.entrypoint());
        strings(c.putArray("Cmd"), EXPECTED_CONFIG.cmd());
        strings(c.putArray("Env"), EXPECTED_CONFIG.env());
        c.put("WorkingDir", EXPECTED_CONFIG.workingDir()).put("User", EXPECTED_CONFIG.user());
        EXPECTED_CONFIG.exposedPorts().forEach(p -> c.with("ExposedPorts").putObject(p));
        EXPECTED_CONFIG.volumes().forEach(v -> c.with("Volumes").putObject(v));
        EXPECTED_CONFIG.labels().forEach((k, v) -> c.with("Labels").put(k, v));
        c.put("StopSignal", EXPECTED_CONFIG.stopSignal());
        ImageConfig.Healthcheck health = EXPECTED_CONFIG.healthcheck();
        ObjectNode h = c.putObject("Healthcheck");
        strings(h.putArray("Test"), health.test());
        h.put("Interval", health.interval().toNanos()).put("Timeout", health.timeout().toNanos())
                .put("StartPeriod", health.startPeriod().toNanos()).put("Retries", health.retries());
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add("sha256:" + sha256(layer));
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configName = sha256(configBytes) + ".json";

        ArrayNode manifest = JSON.createArrayNode();
        ObjectNode entry = manifest.addObject();
        entry.put("Config", configName);
        entry.putArray("RepoTags").add(tag);
        entry.putArray("Layers").add("layer/layer.tar");

        Path archive = dir.resolve("image.tar");
        try (OutputStream file = Files.newOutputStream(archive); TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            add(tar, configName, configBytes);
            add(tar, "layer/layer.tar", layer);
            add(tar, "manifest.json", JSON.writeValueAsBytes(manifest));
        }
        return archive;
    }

    private static byte[] layer() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            add(tar, "srv/hello.txt", "hello from a test layer\n".getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
