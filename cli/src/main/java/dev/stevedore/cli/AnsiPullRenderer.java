package dev.stevedore.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pull progress for an interactive terminal: the block of layer lines is redrawn in place (cursor up,
 * clear line, rewrite) at most ten times a second, however fast events arrive. A ticker thread draws
 * changes that arrived between redraws, so a stalled download still shows its latest byte count.
 */
final class AnsiPullRenderer extends PullProgressRenderer {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final String ESC = "\u001b[";

    private final int columns;
    private int drawnLines;
    private long lastDraw = System.nanoTime() - INTERVAL_NANOS;
    private boolean dirty;
    private boolean finished;
    private ScheduledExecutorService ticker;

    AnsiPullRenderer(PrintWriter out, int columns) {
        super(out);
        this.columns = columns;
    }

    @Override
    protected void changed(Row row) {
        if (finished) {
            return;
        }
        dirty = true;
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "stevedore-progress");
                thread.setDaemon(true);
                return thread;
            });
            ticker.scheduleAtFixedRate(this::tick, INTERVAL_NANOS, INTERVAL_NANOS, TimeUnit.NANOSECONDS);
        }
        if (System.nanoTime() - lastDraw >= INTERVAL_NANOS) {
            draw(new ArrayList<>(rows.values()));
        }
    }

    private void tick() {
        synchronized (lock) {
            if (dirty && !finished) {
                draw(new ArrayList<>(rows.values()));
            }
        }
    }

    @Override
    void finish(List<String> layers) {
        synchronized (lock) {
            List<Row> shown = new ArrayList<>();
            for (String layer : layers) {
                Row row = rows.get(layer);
                if (row != null) {
                    shown.add(row);
                }
            }
            // Drops the config blob's line: Docker shows layers only, and only now is it known which blobs are layers.
            end(shown.isEmpty() ? new ArrayList<>(rows.values()) : shown);
        }
    }

    @Override
    void abort() {
        synchronized (lock) {
            end(new ArrayList<>(rows.values()));
        }
    }

    private void end(List<Row> shown) {
        if (!finished) {
            finished = true;
            if (ticker != null) {
                ticker.shutdownNow();
            }
            if (drawnLines > 0 || !shown.isEmpty()) {
                draw(shown);
            }
        }
        out.flush();
    }

    private void draw(List<Row> shown) {
        StringBuilder screen = new StringBuilder();
        if (drawnLines > 0) {
            screen.append(ESC).append(drawnLines).append('A');
        }
        for (Row row : shown) {
            String line = row.line();
            if (line.length() >= columns) {
                line = line.substring(0, columns - 1);
            }
            screen.append('\r').append(ESC).append("2K").append(line).append('\n');
        }
        if (shown.size() < drawnLines) {
            screen.append(ESC).append('J');
        }
        out.print(screen);
        out.flush();
        drawnLines = shown.size();
        lastDraw = System.nanoTime();
        dirty = false;
    }
}
