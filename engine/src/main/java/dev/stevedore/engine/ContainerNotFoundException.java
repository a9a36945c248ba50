package dev.stevedore.engine;

/** No container has that id, id prefix or name. */
public final class ContainerNotFoundException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String container;

    public ContainerNotFoundException(String container) {
        super("no such container: " + container);
        this.container = container;
    }

    /** The id, prefix or name that matched nothing. */
    public String container() {
        return container;
    }
}
