package dev.stevedore.engine.internal.runtime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Linux signal names and numbers, as Docker reads them for STOPSIGNAL, {@code --stop-signal} and
 * {@code docker kill -s}: {@code SIGTERM}, {@code TERM}, {@code term}, {@code 15}, {@code SIGRTMIN+3}.
 */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;

    private static final Map<String, Integer> NUMBERS = new LinkedHashMap<>();

    static {
        String[] names = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
            "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
            "PROF", "WINCH", "IO", "PWR", "SYS"};
        for (int i = 1; i < names.length; i++) {
            NUMBERS.put(names[i], i);
        }
        NUMBERS.put("IOT", 6);
        NUMBERS.put("POLL", 29);
        NUMBERS.put("CLD", 17);
    }

    private Signals() {
    }

    /**
     * The number of a signal given by name (with or without {@code SIG}, any case) or number.
     *
     * @throws IllegalArgumentException naming the value when it is no Linux signal
     */
    public static int parse(String signal) {
        return find(signal).orElseThrow(() -> new IllegalArgumentException("\"" + signal + "\" is not a Linux signal: "
                + "give a name such as SIGTERM, TERM or KILL, or a number from 1 to " + SIGRTMAX));
    }

    /** As {@link #parse}, empty instead of an exception. */
    public static Optional<Integer> find(String signal) {
        if (signal == null) {
            return Optional.empty();
        }
        String s = signal.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(s);
                return n >= 1 && n <= SIGRTMAX ? Optional.of(n) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        Integer known = NUMBERS.get(s);
        if (known != null) {
            return Optional.of(known);
        }
        return realtime(s);
    }

    private static Optional<Integer> realtime(String s) {
        try {
            if (s.equals("RTMIN")) {
                return Optional.of(SIGRTMIN);
            }
            if (s.equals("RTMAX")) {
                return Optional.of(SIGRTMAX);
            }
            if (s.startsWith("RTMIN+")) {
                int n = SIGRTMIN + Integer.parseInt(s.substring(6));
                return n <= SIGRTMAX ? Optional.of(n) : Optional.empty();
            }
            if (s.startsWith("RTMAX-")) {
                int n = SIGRTMAX - Integer.parseInt(s.substring(6));
                return n >= SIGRTMIN ? Optional.of(n) : Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** {@code SIGTERM} for 15, {@code SIGRTMIN+3} for 37, the number for anything else. */
    public static String name(int signal) {
        for (Map.Entry<String, Integer> e : NUMBERS.entrySet()) {
            if (e.getValue() == signal) {
                return "SIG" + e.getKey();
            }
        }
        if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
            return signal == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (signal - SIGRTMIN);
        }
        return Integer.toString(signal);
    }
}
