package dev.stevedore.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns, laid out like Docker's listings: every column but the last
 * is as wide as its widest cell plus three spaces, and at least ten characters.
 */
final class Table {
    private static final int PADDING = 3;
    private static final int MIN_WIDTH = 10;

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;
    private final int minWidth;

    Table(String... headers) {
        this(MIN_WIDTH, headers);
    }

    /** A table whose columns but the last are at least {@code minWidth} characters wide ({@code docker top}: 20). */
    Table(int minWidth, String... headers) {
        this.columns = headers.length;
        this.minWidth = minWidth;
        rows.add(headers.clone());
    }

    /** Adds a row; it must have one cell per header. */
    Table row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row needs " + columns + " cells, got " + cells.length);
        }
        rows.add(cells.clone());
        return this;
    }

    /** Writes the header and the rows, one line each. */
    void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                widths[c] = Math.max(widths[c], Math.max(minWidth, row[c].length() + PADDING));
            }
        }
        StringBuilder line = new StringBuilder();
        for (String[] row : rows) {
            line.setLength(0);
            for (int c = 0; c < columns - 1; c++) {
                line.append(row[c]).append(" ".repeat(widths[c] - row[c].length()));
            }
            line.append(row[columns - 1]);
            out.println(line.toString().stripTrailing());
        }
    }
}
