package dev.stevedore.engine.internal.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a multi-step operation has done so far, to be taken back if a later step fails: each step that succeeds adds
 * how to undo it; {@link #close()} undoes them, last first, unless {@link #keep()} said the operation succeeded. Used
 * with try-with-resources, so the undoing happens before a {@code catch} block reports the failure.
 */
final class Undo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Undo.class);

    private final String operation;
    private final Deque<Runnable> steps = new ArrayDeque<>();
    private boolean kept;

    /** @param operation what is being done, for the log when undoing a step fails ({@code "start of container X"}) */
    Undo(String operation) {
        this.operation = operation;
    }

    /** Adds the undoing of a step that has just succeeded. */
    void add(Runnable undo) {
        steps.push(undo);
    }

    /** The operation succeeded: nothing is undone. */
    void keep() {
        kept = true;
    }

    @Override
    public void close() {
        if (kept) {
            return;
        }
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                // the operation's own failure is what the caller reports; this one only leaves something behind
                LOG.warn("cannot undo a step of the failed {}: {}", operation, e.toString());
            }
        }
    }
}
