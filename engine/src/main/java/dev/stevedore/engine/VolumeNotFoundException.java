package dev.stevedore.engine;

/** No volume has that name. */
public final class VolumeNotFoundException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String volume;

    public VolumeNotFoundException(String volume) {
        super("no such volume: " + volume + " — list the volumes with 'stevedore volume ls'");
        this.volume = volume;
    }

    /** The name that matched nothing. */
    public String volume() {
        return volume;
    }
}
