package dev.stevedore.engine;

import java.util.List;

/** A volume could not be removed because containers (running or not) mount it. */
public final class VolumeInUseException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String volume;
    private final List<String> containers;

    public VolumeInUseException(String volume, List<String> containers) {
        super("cannot remove volume " + volume + ": it is in use by container" + (containers.size() == 1 ? " " : "s ")
                + String.join(", ", containers) + " — remove " + (containers.size() == 1 ? "that container" : "those containers")
                + " first");
        this.volume = volume;
        this.containers = List.copyOf(containers);
    }

    /** The volume's name. */
    public String volume() {
        return volume;
    }

    /** The containers that mount it, by name or id as the engine reported them. */
    public List<String> containers() {
        return containers;
    }
}
