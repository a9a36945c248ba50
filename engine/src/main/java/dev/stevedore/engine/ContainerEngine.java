package dev.stevedore.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A container engine: images, containers, networks and volumes behind one interface, implemented by
 * the embedded daemonless engine and by a client of a Docker Engine API endpoint.
 *
 * <p>Thread-safe. Close it when done; closing releases what the engine holds in this JVM.
 */
public interface ContainerEngine extends AutoCloseable {

    /**
     * Pulls an image (the engine's platform, or the one the options name) into the local store,
     * verified and ready to run, and files it under {@code reference}. Blobs already present are not
     * downloaded again.
     *
     * @throws ImageNotFoundException          the registry has no such repository, tag or platform
     * @throws RegistryAuthenticationException the registry wants credentials that were missing or wrong
     * @throws RegistryException               the registry failed otherwise
     * @throws ContentVerificationException    content did not match its digest (nothing of it was stored)
     * @throws UnsafeLayerException            a layer tried to write outside its directory
     */
    Image pull(ImageReference reference, PullOptions options);

    /** {@link #pull(ImageReference, PullOptions)} with the defaults. */
    default Image pull(String reference) {
        return pull(ImageReference.parse(reference), PullOptions.defaults());
    }

    /** The local image filed under {@code reference}, if there is one. Never contacts a registry. */
    Optional<Image> image(ImageReference reference);

    /** Every image in the local store. */
    List<Image> images();

    /**
     * Removes {@code reference} from the local store; the image's content goes too once no other
     * reference uses it.
     *
     * @throws ImageNotFoundException when no local image has that reference
     */
    void removeImage(ImageReference reference);

    /**
     * Loads images from a {@code docker save} archive or an OCI image layout (a directory or a tar of
     * one), verified as a pull would be, and files them under the references the archive names.
     */
    List<Image> load(Path archive);

    /** Releases what this engine holds in this JVM. */
    @Override
    void close();

    /** The embedded, daemonless engine on the given settings. */
    static ContainerEngine embedded(EngineSettings settings) {
        return dev.stevedore.engine.internal.embedded.EmbeddedEngine.open(settings);
    }

    /**
     * A client of the Docker Engine API endpoint this process is configured for: {@code DOCKER_HOST} (with
     * {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}), else the current docker context, else the
     * first of the well-known Docker and Podman sockets that answers. Registry credentials come from
     * {@code settings}' docker config directory; the state directory is not used.
     *
     * @throws ContainerEngineException listing every endpoint tried when none answers with API 1.40 or newer
     */
    static ContainerEngine docker(EngineSettings settings) {
        return dev.stevedore.engine.internal.docker.DockerEngine.open(settings);
    }
}
