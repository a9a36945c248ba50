package dev.stevedore.cli;

import dev.stevedore.engine.BlockIoLimits;
import dev.stevedore.engine.Resources;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The options of {@code run} and {@code create} that {@code update} does not take (as with the docker CLI): the memory
 * swappiness and the per-device block I/O weights and rates, with the docker CLI's names and value syntax
 * ({@code /dev/vda:300}, {@code /dev/vda:1mb}, {@code /dev/vda:100}) and its words for a bad value; and, through
 * {@link AdvancedOptions}, the swap, OOM killer, kernel memory, real-time and device-rule options.
 */
final class DeviceIoOptions {
    @Option(names = "--memory-swappiness", paramLabel = "N", description = "Memory swappiness, 0 to 100 (-1: the default).")
    Integer memorySwappiness;

    @Option(names = "--blkio-weight-device", paramLabel = "DEV:W", description = "Block I/O weight of a device (/dev/vda:300).")
    List<String> weightDevices = new ArrayList<>();

    @Option(names = "--device-read-bps", paramLabel = "DEV:RATE", description = "Read rate of a device (/dev/vda:1mb).")
    List<String> readBps = new ArrayList<>();

    @Option(names = "--device-write-bps", paramLabel = "DEV:RATE", description = "Write rate of a device (/dev/vda:1mb).")
    List<String> writeBps = new ArrayList<>();

    @Option(names = "--device-read-iops", paramLabel = "DEV:N", description = "Read operations per second of a device.")
    List<String> readIops = new ArrayList<>();

    @Option(names = "--device-write-iops", paramLabel = "DEV:N", description = "Write operations per second of a device.")
    List<String> writeIops = new ArrayList<>();

    /** The swap, OOM killer, kernel memory, real-time and device-rule options, which update lacks too. */
    @Mixin
    AdvancedOptions advanced = new AdvancedOptions();

    /** {@code resources} with what these options ask for. */
    Resources applyTo(Resources resources, Function<String, RuntimeException> usageError) {
        try {
            BlockIoLimits b = BlockIoLimits.NONE;
            for (String value : weightDevices) {
                b = b.withWeight(path(value, usageError), (int) number(value, false, "invalid weight for device: " + value,
                        usageError));
            }
            for (String value : readBps) {
                b = b.withReadBps(path(value, usageError), number(value, true, rateError(value, true), usageError));
            }
            for (String value : writeBps) {
                b = b.withWriteBps(path(value, usageError), number(value, true, rateError(value, true), usageError));
            }
            for (String value : readIops) {
                b = b.withReadIops(path(value, usageError), number(value, false, rateError(value, false), usageError));
            }
            for (String value : writeIops) {
                b = b.withWriteIops(path(value, usageError), number(value, false, rateError(value, false), usageError));
            }
            Resources r = advanced.applyTo(resources.withBlockIo(b), usageError);
            return memorySwappiness == null ? r : r.withMemorySwappiness(memorySwappiness);
        } catch (IllegalArgumentException e) {
            throw usageError.apply(e.getMessage());
        }
    }

    private static String path(String value, Function<String, RuntimeException> usageError) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw usageError.apply("bad format: " + value);
        }
        if (!value.startsWith("/dev/")) {
            throw usageError.apply("bad format for device path: " + value);
        }
        return value.substring(0, colon);
    }

    /** The value after the last colon: a size ({@code 1mb}, {@code 512k}, plain bytes) or a plain number. */
    private static long number(String value, boolean size, String error, Function<String, RuntimeException> usageError) {
        String text = value.substring(value.lastIndexOf(':') + 1);
        try {
            long n = size ? Sizes.parseBinary(text) : Long.parseLong(text);
            if (n < 0) {
                throw usageError.apply(error);
            }
            return n;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw usageError.apply(error);
        }
    }

    private static String rateError(String value, boolean size) {
        return "invalid rate for device: " + value + ". The correct format is <device-path>:<number>"
                + (size ? "[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb"
                : ". Number must be a positive integer");
    }
}
