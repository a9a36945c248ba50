package dev.stevedore.cli;

import dev.stevedore.engine.PullProgress.Phase;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pull progress for pipes, files and CI logs: a line when a layer enters a new phase, and for large
 * downloads a line at 25, 50 and 75 percent. At most eight lines per layer, however many events arrive,
 * and no escape sequences.
 */
final class PlainPullRenderer extends PullProgressRenderer {
    /** Smaller downloads finish too quickly for intermediate milestones to tell anyone anything. */
    static final long MILESTONE_MINIMUM_BYTES = 16_000_000;
    private static final int[] MILESTONES = {25, 50, 75};

    private final Map<String, Printed> printed = new HashMap<>();

    PlainPullRenderer(PrintWriter out) {
        super(out);
    }

    @Override
    protected void changed(Row row) {
        Printed state = printed.computeIfAbsent(row.digest, digest -> new Printed());
        if (row.phase != state.phase) {
            state.phase = row.phase;
            if (row.phase == Phase.DOWNLOADING) {
                // Skip milestones already passed when the first byte count arrives.
                while (state.milestone < MILESTONES.length && percent(row) >= MILESTONES[state.milestone]) {
                    state.milestone++;
                }
                print(row.id + ": " + row.label() + (row.total > 0 ? "  " + Sizes.human(row.total) : ""));
            } else {
                print(row.id + ": " + row.label());
            }
        } else if (row.phase == Phase.DOWNLOADING && row.total >= MILESTONE_MINIMUM_BYTES
                && state.milestone < MILESTONES.length && percent(row) >= MILESTONES[state.milestone]) {
            while (state.milestone < MILESTONES.length && percent(row) >= MILESTONES[state.milestone]) {
                state.milestone++;
            }
            print(row.id + ": " + row.label() + "  " + Sizes.human(row.current) + "/" + Sizes.human(row.total)
                    + " (" + percent(row) + "%)");
        }
    }

    private static long percent(Row row) {
        return row.total > 0 ? row.current * 100 / row.total : 0;
    }

    private void print(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    void finish(List<String> layers) {
        out.flush();
    }

    @Override
    void abort() {
        out.flush();
    }

    private static final class Printed {
        Phase phase;
        int milestone;
    }
}
