package dev.stevedore.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts for people, in Docker's decimal units ({@code 999B}, {@code 4.26kB}, {@code 412MB},
 * {@code 1.2GB}): powers of 1000, a few significant digits, no trailing zeros.
 */
final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    private static final Pattern BINARY = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?", Pattern.CASE_INSENSITIVE);
    private static final String BINARY_PREFIXES = "kmgtp";

    private Sizes() {
    }

    /** {@code bytes} with three significant digits, as {@code stevedore images} shows sizes. */
    static String human(long bytes) {
        return human(bytes, 3);
    }

    /** {@code bytes} with {@code precision} significant digits. */
    static String human(long bytes, int precision) {
        if (bytes < 0) {
            return "-" + human(-bytes, precision);
        }
        MathContext context = new MathContext(precision, RoundingMode.HALF_UP);
        BigDecimal value = BigDecimal.valueOf(bytes);
        int unit = 0;
        BigDecimal thousand = BigDecimal.valueOf(1000);
        // Round before comparing, so that 999,999 bytes shows as 1MB rather than 1000kB.
        while (unit < UNITS.length - 1 && value.round(context).compareTo(thousand) >= 0) {
            value = value.divide(thousand);
            unit++;
        }
        return value.round(context).stripTrailingZeros().toPlainString() + UNITS[unit];
    }

    /**
     * Reads a size as Docker's {@code --memory} and {@code --shm-size} take it: a number with an optional
     * binary unit, {@code 512m} = 512 MiB, {@code 1g}, {@code 64k}, {@code 1.5GiB}, {@code 100} (bytes).
     *
     * @throws IllegalArgumentException when {@code text} is not such a size
     */
    static long parseBinary(String text) {
        Matcher matcher = BINARY.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size such as 512m, 1g or 64k");
        }
        BigDecimal value = new BigDecimal(matcher.group(1));
        if (matcher.group(2) != null) {
            int power = BINARY_PREFIXES.indexOf(matcher.group(2).toLowerCase(Locale.ROOT)) + 1;
            value = value.multiply(BigDecimal.valueOf(1024).pow(power));
        }
        return value.setScale(0, RoundingMode.DOWN).longValueExact();
    }
}
