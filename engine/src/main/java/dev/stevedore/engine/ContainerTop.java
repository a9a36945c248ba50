package dev.stevedore.engine;

import java.util.List;

/**
 * A running container's processes as {@code docker top} lists them: the columns of {@code ps} run with the given
 * arguments ({@code -ef} by default), and one row per process of the container, the last column (the command) with its
 * spaces kept.
 *
 * @param titles    the column titles, as ps prints them ({@code UID PID PPID C STIME TTY TIME CMD} for {@code -ef})
 * @param processes one row per process, as many values as titles, in ps's order
 */
public record ContainerTop(List<String> titles, List<List<String>> processes) {
    /** The ps arguments {@code docker top} uses when given none. */
    public static final String DEFAULT_PS_ARGS = "-ef";

    public ContainerTop {
        titles = List.copyOf(titles);
        processes = processes.stream().map(List::copyOf).toList();
    }
}
