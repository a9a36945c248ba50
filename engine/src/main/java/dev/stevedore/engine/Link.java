package dev.stevedore.engine;

/**
 * A legacy link of {@link ContainerSpec#links()} ({@code docker run --link NAME[:ALIAS]}): the linked container and the
 * name this one knows it by.
 *
 * @param container the linked container's name or id
 * @param alias     the name this container knows it by
 */
public record Link(String container, String alias) {

    /**
     * The link written {@code NAME}, {@code NAME:ALIAS} or as dockerd's inspect shows it, {@code /NAME:/PARENT/ALIAS};
     * the alias is the name when left out.
     *
     * @throws IllegalArgumentException for an empty name or alias
     */
    public static Link parse(String entry) {
        int colon = entry.indexOf(':');
        String name = colon < 0 ? entry : entry.substring(0, colon);
        name = name.startsWith("/") ? name.substring(1) : name;
        String alias = colon < 0 ? name : entry.substring(colon + 1);
        alias = alias.substring(alias.lastIndexOf('/') + 1);
        if (name.isEmpty() || alias.isEmpty() || name.contains("/") || entry.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid link \"" + entry + "\": give NAME or NAME:ALIAS");
        }
        return new Link(name, alias);
    }

    /** {@code NAME:ALIAS}, as {@link ContainerSpec#links()} keeps it. */
    @Override
    public String toString() {
        return container + ":" + alias;
    }
}
