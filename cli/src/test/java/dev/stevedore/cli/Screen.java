package dev.stevedore.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What a terminal would show after receiving some output: interprets carriage return, line feed and the
 * few ANSI sequences the progress renderer uses (cursor up, erase line, erase below).
 */
final class Screen {
    private final List<StringBuilder> lines = new ArrayList<>();
    private int row;
    private int column;

    static List<String> render(String output) {
        Screen screen = new Screen();
        screen.write(output);
        return screen.lines();
    }

    private void write(String output) {
        line(0);
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            if (c == '\r') {
                column = 0;
            } else if (c == '\n') {
                row++;
                column = 0;
                line(row);
            } else if (c == '\u001b') {
                int end = i + 2;
                while (!Character.isLetter(output.charAt(end))) {
                    end++;
                }
                String argument = output.substring(i + 2, end);
                switch (output.charAt(end)) {
                    case 'A' -> row = Math.max(0, row - Integer.parseInt(argument));
                    case 'K' -> line(row).setLength(0);
                    case 'J' -> {
                        line(row).setLength(Math.min(column, line(row).length()));
                        while (lines.size() > row + 1) {
                            lines.remove(lines.size() - 1);
                        }
                    }
                    default -> throw new IllegalArgumentException("unexpected escape sequence at " + i + ": " + output.charAt(end));
                }
                i = end;
            } else {
                StringBuilder line = line(row);
                while (line.length() < column) {
                    line.append(' ');
                }
                if (column < line.length()) {
                    line.setCharAt(column, c);
                } else {
                    line.append(c);
                }
                column++;
            }
        }
    }

    private StringBuilder line(int index) {
        while (lines.size() <= index) {
            lines.add(new StringBuilder());
        }
        return lines.get(index);
    }

    private List<String> lines() {
        List<String> result = new ArrayList<>();
        lines.forEach(line -> result.add(line.toString()));
        while (!result.isEmpty() && result.get(result.size() - 1).isEmpty()) {
            result.remove(result.size() - 1);
        }
        return result;
    }
}
