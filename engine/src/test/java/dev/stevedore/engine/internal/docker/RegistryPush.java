package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushes a small image of fresh random content to a test bed registry, so a daemon that is shared with
 * other tests has certainly never seen its layers and must download them.
 */
final class RegistryPush {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OkHttpClient HTTP = new OkHttpClient();

    /**
     * What was pushed.
     *
     * @param manifestDigest the manifest's digest
     * @param configDigest   the config's digest, which the daemon uses as image id
     * @param layerDigest    the one layer's (gzip) digest
     * @param layerSize      its size in bytes
     */
    record Pushed(String manifestDigest, String configDigest, String layerDigest, long layerSize) {
    }

    private RegistryPush() {
    }

    /** Pushes {@code registry/repository:tag} with one gzip layer holding {@code randomBytes} of random data. */
    static Pushed randomImage(String registry, String repository, String tag, int randomBytes) throws IOException {
        byte[] content = new byte[randomBytes];
        new Random().nextBytes(content);
        ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
            TarArchiveEntry entry = new TarArchiveEntry("random.bin");
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        byte[] uncompressed = tarBytes.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(uncompressed);
        }
        byte[] layer = gz.toByteArray();

        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64").put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/random.bin");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add("sha256:" + ImageArchives.sha256(uncompressed));
        byte[] configBytes = JSON.writeValueAsBytes(config);

        String layerDigest = upload(registry, repository, layer);
        String configDigest = upload(registry, repository, configBytes);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", "application/vnd.docker.distribution.manifest.v2+json");
        manifest.putObject("config").put("mediaType", "application/vnd.docker.container.image.v1+json")
                .put("size", configBytes.length).put("digest", configDigest);
        manifest.putArray("layers").addObject().put("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip")
                .put("size", layer.length).put("digest", layerDigest);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        Request put = new Request.Builder().url("http://" + registry + "/v2/" + repository + "/manifests/" + tag)
                .put(RequestBody.create(manifestBytes, MediaType.get("application/vnd.docker.distribution.manifest.v2+json")))
                .build();
        try (Response response = HTTP.newCall(put).execute()) {
            assertThat(response.code()).as("PUT %s", put.url()).isEqualTo(201);
        }
        return new Pushed("sha256:" + ImageArchives.sha256(manifestBytes), configDigest, layerDigest, layer.length);
    }

    private static String upload(String registry, String repository, byte[] blob) throws IOException {
        String digest = "sha256:" + ImageArchives.sha256(blob);
        Request start = new Request.Builder().url("http://" + registry + "/v2/" + repository + "/blobs/uploads/")
                .post(RequestBody.create(new byte[0], null)).build();
        String location;
        try (Response response = HTTP.newCall(start).execute()) {
            assertThat(response.code()).as("POST %s", start.url()).isEqualTo(202);
            location = response.header("Location");
        }
        String url = (location.startsWith("/") ? "http://" + registry + location : location)
                + (location.contains("?") ? "&" : "?") + "digest=" + digest;
        Request put = new Request.Builder().url(url)
                .put(RequestBody.create(blob, MediaType.get("application/octet-stream"))).build();
        try (Response response = HTTP.newCall(put).execute()) {
            assertThat(response.code()).as("PUT %s", url).isEqualTo(201);
        }
        return digest;
    }
}
