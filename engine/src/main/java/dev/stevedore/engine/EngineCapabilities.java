package dev.stevedore.engine;

/**
 * What a caller may rely on about where and how an engine runs its containers, beyond what every
 * {@link ContainerEngine} does; {@link ContainerEngine#capabilities()} answers it.
 *
 * @param sharesHostFiles the containers run on this host's own file system, so a bind mount of a host path is the
 *                        file itself and needs no copy (the embedded engine); false when the engine may be remote
 *                        or in a VM (a Docker daemon), where a caller copies files in instead
 */
public record EngineCapabilities(boolean sharesHostFiles) {
    /** An engine about which nothing beyond the interface is known: files are copied, nothing is shared. */
    public static final EngineCapabilities NONE = new EngineCapabilities(false);
}
