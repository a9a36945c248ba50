package dev.stevedore.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter as docker's table formats use it (minimum width 10, padding 3, spaces): a tab ends a cell,
 * and cells of one column are aligned across each block of consecutive lines that have that column; text after a
 * line's last tab is not aligned.
 */
final class TabWriter {
    private static final int MIN_WIDTH = 10;
    private static final int PADDING = 3;

    private TabWriter() {
    }

    /** {@code text} aligned; lines end with {@code \n} as they did. */
    static String align(String text) {
        List<String[]> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            if (i == raw.length - 1 && raw[i].isEmpty()) {
                break;
            }
            lines.add(raw[i].split("\t", -1));
        }
        StringBuilder out = new StringBuilder();
        List<Integer> widths = new ArrayList<>();
        format(lines, widths, 0, lines.size(), out);
        return out.toString();
    }

    /** Go's algorithm: the lines {@code [from, to)} with the column widths found so far. */
    private static int format(List<String[]> lines, List<Integer> widths, int from, int to, StringBuilder out) {
        int column = widths.size();
        int printed = from;
        for (int line = from; line < to; line++) {
            if (column >= lines.get(line).length - 1) {
                continue;
            }
            printed = write(lines, widths, printed, line, out);
            int blockStart = line;
            int width = MIN_WIDTH;
            for (; line < to && column < lines.get(line).length - 1; line++) {
                width = Math.max(width, length(lines.get(line)[column]) + PADDING);
            }
            widths.add(width);
            printed = format(lines, widths, blockStart, line, out);
            widths.remove(widths.size() - 1);
            line--;
        }
        return write(lines, widths, printed, to, out);
    }

    private static int write(List<String[]> lines, List<Integer> widths, int from, int to, StringBuilder out) {
        for (int line = from; line < to; line++) {
            String[] cells = lines.get(line);
            for (int c = 0; c < cells.length; c++) {
                out.append(cells[c]);
                if (c < cells.length - 1) {
                    int width = c < widths.size() ? widths.get(c) : 0;
                    out.append(" ".repeat(Math.max(0, width - length(cells[c]))));
                }
            }
            out.append('\n');
        }
        return to;
    }

    private static int length(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
