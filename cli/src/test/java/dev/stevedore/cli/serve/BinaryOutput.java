package dev.stevedore.cli.serve;

import java.nio.charset.StandardCharsets;

/** What the byte-for-byte output tests have a container write, and how they read what comes back. */
public final class BinaryOutput {
    /**
     * Every byte value twice to stdout (NULs, newlines, carriage returns, bytes that are no UTF-8), then
     * {@code a\377b\nlast} without a newline at the end; {@code err\nelast} to stderr.
     */
    public static final String SCRIPT = "i=0; while [ $i -lt 256 ]; do printf \"\\\\$(printf %o $i)\"; i=$((i+1)); done > /tmp/bin; "
            + "cat /tmp/bin /tmp/bin; printf 'a\\377b\\nlast'; printf 'err\\nelast' >&2";
    /**
     * {@link #SCRIPT}'s stdout alone: for {@code logs --tail}, which counts the lines of both streams by when they came,
     * and the two engines (dockerd's too, run to run) read the two pipes' last lines in either order.
     */
    public static final String STDOUT_ONLY = SCRIPT.substring(0, SCRIPT.lastIndexOf("; printf 'err"));
    /** What {@link #SCRIPT} writes to stderr. */
    public static final String STDERR = "err\nelast";
    /** dockerd's time before each log message, RFC 3339 with nanoseconds (ours keeps trailing zeros). */
    private static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d) ";

    private BinaryOutput() {
    }

    /** What {@link #SCRIPT} writes to stdout. */
    public static byte[] stdout() {
        byte[] bytes = new byte[512 + 8];
        for (int i = 0; i < 512; i++) {
            bytes[i] = (byte) i;
        }
        System.arraycopy(new byte[] {'a', (byte) 0377, 'b', '\n', 'l', 'a', 's', 't'}, 0, bytes, 512, 8);
        return bytes;
    }

    /** The output with each log message's time replaced by {@code T}, read as ISO-8859-1 so every byte is a char. */
    public static String withoutTimes(byte[] output) {
        return new String(output, StandardCharsets.ISO_8859_1).replaceAll(TIMESTAMP, "T ");
    }
}
