package dev.stevedore.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Byte counts for people, in Docker's decimal units ({@code 999B}, {@code 4.26kB}, {@code 412MB},
 * {@code 1.2GB}): powers of 1000, a few significant digits, no trailing zeros.
 */
final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

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
}
