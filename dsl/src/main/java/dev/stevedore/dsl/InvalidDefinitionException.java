package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerEngineException;

/**
 * A DSL definition is wrong: thrown when a spec is frozen, before anything runs. The message starts with
 * the path to what is wrong: {@code container "db": port 5432 exposed twice}.
 */
public final class InvalidDefinitionException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String problem;

    public InvalidDefinitionException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
        this.problem = problem;
    }

    public InvalidDefinitionException(String path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
        this.problem = problem;
    }

    /** The same problem, its path prefixed by {@code where} ({@code environment: }). */
    InvalidDefinitionException within(String where) {
        InvalidDefinitionException moved = new InvalidDefinitionException(where + path, problem, getCause());
        moved.setStackTrace(getStackTrace());
        return moved;
    }

    /** Where the problem is: {@code container "db"}, {@code environment: container "api"}. */
    public String path() {
        return path;
    }
}
