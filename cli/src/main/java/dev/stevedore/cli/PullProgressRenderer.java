package dev.stevedore.cli;

import dev.stevedore.engine.PullListener;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import dev.stevedore.engine.PushProgress;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows a pull's progress the way {@code docker pull} does, and a push's the way {@code docker push} does: one
 * line per layer, named by the first 12 hex digits of its digest. Subclasses decide how lines reach the output: redrawn in place on a terminal,
 * or appended as plain lines elsewhere.
 *
 * <p>Thread-safe: the engine reports from several download threads at once. Events that would move a
 * layer back to an earlier phase (late or reordered deliveries) are ignored. The listener never throws.
 */
abstract class PullProgressRenderer implements PullListener {
    /** Guards {@link #rows} and everything subclasses draw from it. */
    protected final Object lock = new Object();
    /** Layer (and config blob) rows by digest, in the order they were first reported. */
    protected final Map<String, Row> rows = new LinkedHashMap<>();
    protected final PrintWriter out;

    protected PullProgressRenderer(PrintWriter out) {
        this.out = out;
    }

    /** A renderer that suits {@code terminal}: ANSI redraws when interactive, plain lines otherwise. */
    static PullProgressRenderer create(PrintWriter out, Terminal terminal) {
        return terminal.interactive() ? new AnsiPullRenderer(out, terminal.columns()) : new PlainPullRenderer(out);
    }

    @Override
    public final void onProgress(PullProgress event) {
        if (event == null || event.digest() == null
                || event.phase() == Phase.RESOLVED || event.phase() == Phase.COMPLETE) {
            return;
        }
        try {
            synchronized (lock) {
                Row row = rows.computeIfAbsent(event.digest(), Row::new);
                if (row.update(event)) {
                    changed(row);
                }
            }
        } catch (RuntimeException e) {
            // A broken progress display must not fail the pull it describes; the final state is drawn by finish().
        }
    }

    /**
     * A push's event, drawn on the same kind of rows: its phases map onto the pull's, in Docker's push words.
     * Thread-safe and never throws, as {@link #onProgress(PullProgress)}.
     */
    final void onPush(PushProgress event) {
        if (event == null || event.digest() == null || event.phase() == PushProgress.Phase.COMPLETE) {
            return;
        }
        Phase phase = switch (event.phase()) {
            case PREPARING -> Phase.WAITING;
            case ALREADY_EXISTS, MOUNTED -> Phase.ALREADY_EXISTS;
            case PUSHING -> Phase.DOWNLOADING;
            case PUSHED, COMPLETE -> Phase.DOWNLOAD_COMPLETE;
        };
        String label = switch (event.phase()) {
            case PREPARING -> "Preparing";
            case ALREADY_EXISTS -> "Layer already exists";
            case MOUNTED -> "Mounted from another repository";
            case PUSHING -> "Pushing";
            case PUSHED, COMPLETE -> "Pushed";
        };
        try {
            synchronized (lock) {
                Row row = rows.computeIfAbsent(event.digest(), Row::new);
                if (row.update(new PullProgress(event.image(), event.digest(), phase, event.current(), event.total()))) {
                    row.pushLabel = label;
                    changed(row);
                }
            }
        } catch (RuntimeException e) {
            // A broken progress display must not fail the push it describes.
        }
    }

    /** Called under {@link #lock} after {@code row} changed. */
    protected abstract void changed(Row row);

    /**
     * The pull succeeded: show the final state of {@code layers} (the image's layer digests, bottom first)
     * and release what the renderer holds. Output is flushed when this returns.
     */
    abstract void finish(List<String> layers);

    /** The pull failed: show the state reached so far and release what the renderer holds. */
    abstract void abort();

    /** One blob's progress as the latest events describe it. Mutated only under the renderer's lock. */
    static final class Row {
        private static final int BAR_WIDTH = 30;

        final String digest;
        final String id;
        Phase phase;
        long current;
        long total;
        /** The phase in {@code docker push}'s words for a push's row; {@code null} for a pull's. */
        String pushLabel;

        Row(String digest) {
            this.digest = digest;
            this.id = Ids.shortId(digest);
        }

        /** Applies {@code event}; false when it changes nothing the user could see or would go backwards. */
        boolean update(PullProgress event) {
            if (phase != null && event.phase().ordinal() < phase.ordinal()) {
                return false;
            }
            boolean changed = event.phase() != phase || event.current() != current || event.total() != total;
            phase = event.phase();
            current = event.current();
            if (event.total() > 0) {
                total = event.total();
            }
            return changed;
        }

        /** The line a terminal shows for this row, with a progress bar while bytes move. */
        String line() {
            if (pushLabel != null) {
                return phase == Phase.DOWNLOADING ? id + ": " + pushLabel + amount() : id + ": " + pushLabel;
            }
            return switch (phase) {
                case DOWNLOADING -> total > 0 && current >= total
                        ? id + ": Verifying Checksum" : id + ": Downloading" + amount();
                case EXTRACTING -> id + ": Extracting" + amount();
                default -> id + ": " + label();
            };
        }

        /** The phase in Docker's words, without byte counts. */
        String label() {
            if (pushLabel != null) {
                return pushLabel;
            }
            return switch (phase) {
                case WAITING -> "Waiting";
                case ALREADY_EXISTS -> "Already exists";
                case DOWNLOADING -> "Downloading";
                case DOWNLOAD_COMPLETE -> "Download complete";
                case EXTRACTING -> "Extracting";
                case PULL_COMPLETE -> "Pull complete";
                case RESOLVED, COMPLETE -> phase.name();
            };
        }

        private String amount() {
            if (total <= 0 || current > total) {
                return current > 0 ? "  " + Sizes.human(current) : "";
            }
            return " " + bar(current, total) + "  " + Sizes.human(current) + "/" + Sizes.human(total);
        }

        private static String bar(long current, long total) {
            int filled = (int) (BAR_WIDTH * (double) current / total);
            return "[" + "=".repeat(filled) + ">" + " ".repeat(BAR_WIDTH - filled) + "]";
        }
    }
}
