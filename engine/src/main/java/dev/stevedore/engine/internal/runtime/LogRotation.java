package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.LogConfig;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the supervisor rotates a container's log files ({@code logs.c}): a file that holds {@code maxSize} bytes is
 * renamed to {@code FILE.1} (older ones moved up, the oldest beyond {@code maxFiles} dropped) before the next record,
 * as Docker's json-file driver rotates. Made from a {@link LogConfig}'s options by {@link #of}, which also judges them.
 *
 * @param maxSize  bytes after which a file is rotated (a file passes it by at most one record)
 * @param maxFiles the files kept per stream, the one being written included; at least 1
 */
public record LogRotation(long maxSize, int maxFiles) {

    /** Docker's local driver's defaults: 20 MB, 5 files. */
    static final LogRotation LOCAL_DEFAULT = new LogRotation(20L << 20, 5);

    /** The options json-file takes in dockerd that add attributes to each log entry; our records carry none. */
    private static final Set<String> ATTRIBUTE_OPTIONS = Set.of("labels", "labels-regex", "env", "env-regex", "tag");
    /** docker/go-units' RAMInBytes: a number, a binary unit, an optional i and b. */
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    public LogRotation {
        if (maxSize <= 0 || maxFiles < 1) {
            throw new IllegalArgumentException("a log rotation needs a size above 0 and at least 1 file");
        }
    }

    /**
     * The rotation a log configuration asks for, none when it asks for none ({@code json-file} without
     * {@code max-size}, {@code none}); {@code local} rotates at Docker's defaults unless told otherwise.
     *
     * @throws IllegalArgumentException naming the option that is unknown to the driver, malformed, or not honoured
     */
    public static Optional<LogRotation> of(LogConfig config) {
        String type = config.type();
        if (config.keepsNothing()) {
            if (!config.options().isEmpty()) {
                throw new IllegalArgumentException("unknown log opt '" + config.options().keySet().iterator().next()
                        + "' for log driver none: it keeps nothing, so it takes no options");
            }
            return Optional.empty();
        }
        boolean local = type.equals("local");
        for (Map.Entry<String, String> option : config.options().entrySet()) {
            String key = option.getKey();
            boolean known = local ? Set.of("max-size", "max-file", "compress").contains(key)
                    : Set.of("max-size", "max-file", "compress").contains(key) || ATTRIBUTE_OPTIONS.contains(key);
            if (!known) {
                // dockerd's words for each driver
                throw new IllegalArgumentException(local ? "unknown log opt '" + key + "' for log driver local"
                        : "unknown log opt '" + key + "' for json-file log driver");
            }
            if (ATTRIBUTE_OPTIONS.contains(key)) {
                throw new IllegalArgumentException("log option " + key + " (--log-opt) for log driver " + type
                        + ": the embedded engine's log records carry no attributes (labels, env, tag); leave the option out");
            }
        }
        Map<String, String> options = config.options();
        String compress = options.get("compress");
        if (compress != null && parseBool(compress, type)) {
            throw new IllegalArgumentException("log option compress=" + compress + " (--log-opt) for log driver " + type
                    + ": the embedded engine keeps its rotated log files uncompressed; leave the option out or set it to"
                    + " false");
        }
        long maxSize = options.containsKey("max-size") ? size(options.get("max-size"), type) : local ? LOCAL_DEFAULT.maxSize : -1;
        int maxFiles = options.containsKey("max-file") ? files(options.get("max-file"), type) : local ? LOCAL_DEFAULT.maxFiles : 1;
        // as dockerd: a size below 1 (or none) means no rotation, and then max-file does nothing
        return maxSize <= 0 ? Optional.empty() : Optional.of(new LogRotation(maxSize, maxFiles));
    }

    /** docker/go-units' RAMInBytes: binary multiples (1k = 1024), as dockerd reads {@code max-size}. */
    static long size(String value, String type) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size: '" + value + "' for log option max-size (--log-opt) of log"
                    + " driver " + type + ": give bytes or a number with k, m or g (10m)");
        }
        BigDecimal number;
        try {
            number = new BigDecimal(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid size: '" + value + "' for log option max-size (--log-opt) of log"
                    + " driver " + type + ": give bytes or a number with k, m or g (10m)");
        }
        int shift = m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1);
        return number.multiply(BigDecimal.valueOf(2).pow(shift)).longValue();
    }

    private static int files(String value, String type) {
        int files;
        try {
            files = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value for max-file: " + value + " (--log-opt) of log driver "
                    + type + ": give a whole number of files, 1 or more");
        }
        if (files < 1) {
            throw new IllegalArgumentException("max-file cannot be less than 1 (--log-opt) for log driver " + type);
        }
        return files;
    }

    /** Go's strconv.ParseBool, as dockerd reads {@code compress}. */
    private static boolean parseBool(String value, String type) {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new IllegalArgumentException("invalid value for compress: " + value + " (--log-opt) of log"
                    + " driver " + type + ": give true or false");
        };
    }
}
