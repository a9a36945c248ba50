package dev.stevedore.engine;

import java.util.List;
import java.util.Objects;

/**
 * A container's block I/O settings for single devices: Docker's {@code --blkio-weight-device},
 * {@code --device-read-bps}, {@code --device-write-bps}, {@code --device-read-iops} and {@code --device-write-iops}.
 * Each names a block device by its path on the host ({@code /dev/vda}); the engine resolves the path to the device's
 * numbers when it creates the container and refuses a path that is not a block device, naming it.
 *
 * <p>Docker's {@code docker update} changes none of these; a container gets them at create.
 *
 * @param weights   relative weights on a device, 10 to 1000 (0 takes the device's rule away)
 * @param readBps   the most bytes per second the container may read from a device
 * @param writeBps  the most bytes per second it may write to a device
 * @param readIops  the most read operations per second on a device
 * @param writeIops the most write operations per second on a device
 */
public record BlockIoLimits(List<Device> weights, List<Device> readBps, List<Device> writeBps, List<Device> readIops,
                            List<Device> writeIops) {
    /** No device limited. */
    public static final BlockIoLimits NONE = new BlockIoLimits(List.of(), List.of(), List.of(), List.of(), List.of());

    /**
     * One device's value.
     *
     * @param path  the block device on the host, an absolute path such as {@code /dev/vda}
     * @param value a weight (10 to 1000) or a rate (bytes or operations per second, not negative)
     */
    public record Device(String path, long value) {
        /** Refuses a path that is not absolute and a negative value, naming them. */
        public Device {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("bad format for device path: " + path + " (an absolute path such as"
                        + " /dev/vda is needed)");
            }
            if (value < 0) {
                throw new IllegalArgumentException("invalid value for device " + path + ": " + value + " cannot be negative");
            }
        }
    }

    /** Copies the lists; refuses a weight outside Docker's range, naming the device. */
    public BlockIoLimits {
        weights = weights == null ? List.of() : List.copyOf(weights); // null: absent in an older config.json
        readBps = readBps == null ? List.of() : List.copyOf(readBps);
        writeBps = writeBps == null ? List.of() : List.copyOf(writeBps);
        readIops = readIops == null ? List.of() : List.copyOf(readIops);
        writeIops = writeIops == null ? List.of() : List.copyOf(writeIops);
        for (Device weight : weights) {
            if (weight.value() != 0 && (weight.value() < 10 || weight.value() > 1000)) {
                throw new IllegalArgumentException("invalid weight for device " + weight.path() + ": " + weight.value()
                        + " (Range of blkio weight is from 10 to 1000)");
            }
        }
    }

    public BlockIoLimits withWeight(String path, int weight) {
        return new BlockIoLimits(plus(weights, path, weight), readBps, writeBps, readIops, writeIops);
    }

    public BlockIoLimits withReadBps(String path, long bytesPerSecond) {
        return new BlockIoLimits(weights, plus(readBps, path, bytesPerSecond), writeBps, readIops, writeIops);
    }

    public BlockIoLimits withWriteBps(String path, long bytesPerSecond) {
        return new BlockIoLimits(weights, readBps, plus(writeBps, path, bytesPerSecond), readIops, writeIops);
    }

    public BlockIoLimits withReadIops(String path, long operationsPerSecond) {
        return new BlockIoLimits(weights, readBps, writeBps, plus(readIops, path, operationsPerSecond), writeIops);
    }

    public BlockIoLimits withWriteIops(String path, long operationsPerSecond) {
        return new BlockIoLimits(weights, readBps, writeBps, readIops, plus(writeIops, path, operationsPerSecond));
    }

    /** Whether any device is named. */
    public boolean any() {
        return !weights.isEmpty() || !readBps.isEmpty() || !writeBps.isEmpty() || !readIops.isEmpty() || !writeIops.isEmpty();
    }

    /** Every rate list: read and write bytes, read and write operations, in that order. */
    public List<List<Device>> rates() {
        return List.of(readBps, writeBps, readIops, writeIops);
    }

    /** dockerd's warnings for the lists {@code asked} that {@code applied} lacks (its host cannot apply them). */
    static List<String> warnings(BlockIoLimits asked, BlockIoLimits applied) {
        List<String> warnings = new java.util.ArrayList<>();
        if (!asked.weights.isEmpty() && !applied.weights.equals(asked.weights)) {
            warnings.add("Your kernel does not support Block I/O weight_device or the cgroup is not mounted. "
                    + "Weight-device discarded.");
        }
        String[][] words = {{"BPS Block I/O read limit", "Block I/O BPS read limit"},
            {"BPS Block I/O write limit", "Block I/O BPS write limit"}, {"IOPS Block read limit", "Block I/O IOPS read limit"},
            {"IOPS Block write limit", "Block I/O IOPS write limit"}};
        for (int i = 0; i < 4; i++) {
            if (!asked.rates().get(i).isEmpty() && !applied.rates().get(i).equals(asked.rates().get(i))) {
                warnings.add("Your kernel does not support " + words[i][0] + " or the cgroup is not mounted. " + words[i][1]
                        + " discarded.");
            }
        }
        return warnings;
    }

    // written out, as Resources' are: it is compared on every container start
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof BlockIoLimits other && weights.equals(other.weights) && readBps.equals(other.readBps)
                && writeBps.equals(other.writeBps) && readIops.equals(other.readIops) && writeIops.equals(other.writeIops);
    }

    @Override
    public int hashCode() {
        return Objects.hash(weights, readBps, writeBps, readIops, writeIops);
    }

    private static List<Device> plus(List<Device> list, String path, long value) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(new Device(path, value))).toList();
    }
}
