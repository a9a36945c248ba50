package dev.stevedore.junit;

import dev.stevedore.dsl.ContainerHandle;
import java.util.List;

/**
 * A container's last log lines, added as a suppressed exception to a failed test so that they appear with its
 * failure in every report. Carries no stack trace: it reports, it did not go wrong.
 */
public final class ContainerLogReport extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** How many lines a report shows at most. */
    public static final int LINES = 50;

    ContainerLogReport(ContainerHandle container, List<String> lines) {
        super(text(container, lines), null, false, false);
    }

    private static String text(ContainerHandle container, List<String> lines) {
        StringBuilder text = new StringBuilder(container.toString());
        if (lines.isEmpty()) {
            return text.append(" logged nothing").toString();
        }
        text.append(lines.size() == 1 ? ", its last log line:" : ", its last " + lines.size() + " log lines:");
        for (String line : lines) {
            text.append("\n| ").append(line);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
