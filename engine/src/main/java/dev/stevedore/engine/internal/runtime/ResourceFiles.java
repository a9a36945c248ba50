package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.BlockIoLimits;
import dev.stevedore.engine.Resources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where Docker's CPU, cpuset and block I/O settings ({@link Resources}) go in a container's groups, v1 and v2, with
 * runc's conversions, and which of them this host can apply at all. A container's create and its update both write
 * through here, so a setting means the same file and value either way.
 */
final class ResourceFiles {
    /** The CFS period the kernel uses when none is written, in microseconds. */
    private static final long DEFAULT_PERIOD = 100_000;

    private ResourceFiles() {
    }

    /** runc's and crun's map of v1 {@code cpu.shares} (2 to 262144) onto v2 {@code cpu.weight} (1 to 10000). */
    static long cpuWeight(long shares) {
        long clamped = Math.max(2, Math.min(262_144, shares));
        return 1 + (clamped - 2) * 9999 / 262_142;
    }

    /** runc's map of {@code blkio.weight} (10 to 1000) onto v2 {@code io.weight} (1 to 10000). */
    static long ioWeight(long weight) {
        return 1 + (weight - 10) * 9999 / 990;
    }

    /** Whether {@code r} asks the cpu controller for anything. */
    static boolean asksCpu(Resources r) {
        return r.cpuShares() != 0 || r.cpuPeriod() != 0 || r.cpuQuota() != 0;
    }

    static boolean asksCpuset(Resources r) {
        return !r.cpusetCpus().isEmpty() || !r.cpusetMems().isEmpty();
    }

    /** Shares, period and quota: v2 {@code cpu.weight} and {@code cpu.max}, v1 {@code cpu.shares} and the CFS files. */
    static List<Cgroups.Write> cpu(Resources r, boolean unified) {
        List<Cgroups.Write> writes = new ArrayList<>();
        if (r.cpuShares() != 0) {
            writes.add(unified ? new Cgroups.Write("cpu.weight", Long.toString(cpuWeight(r.cpuShares())))
                    : new Cgroups.Write("cpu.shares", Long.toString(r.cpuShares())));
        }
        if (r.cpuPeriod() == 0 && r.cpuQuota() == 0) {
            return writes;
        }
        if (unified) {
            String quota = r.cpuQuota() > 0 ? Long.toString(r.cpuQuota()) : "max";
            writes.add(new Cgroups.Write("cpu.max", quota + " " + (r.cpuPeriod() != 0 ? r.cpuPeriod() : DEFAULT_PERIOD)));
            return writes;
        }
        if (r.cpuPeriod() != 0) {
            writes.add(new Cgroups.Write("cpu.cfs_period_us", Long.toString(r.cpuPeriod())));
        }
        if (r.cpuQuota() != 0) {
            writes.add(new Cgroups.Write("cpu.cfs_quota_us", Long.toString(r.cpuQuota())));
        }
        return writes;
    }

    /**
     * {@code cpuset.cpus} and {@code cpuset.mems}. A new v1 cpuset group starts with both empty, and the kernel lets
     * no process in until both are set: the one not asked for is {@code parent}'s. A v2 group inherits its parent's.
     */
    static List<Cgroups.Write> cpuset(Resources r, boolean unified, Path parent) {
        List<Cgroups.Write> writes = new ArrayList<>();
        for (String[] file : new String[][] {{"cpuset.cpus", r.cpusetCpus()}, {"cpuset.mems", r.cpusetMems()}}) {
            String value = !file[1].isEmpty() || unified ? file[1] : read(parent.resolve(file[0])).orElse("");
            if (!value.isEmpty()) {
                writes.add(new Cgroups.Write(file[0], value));
            }
        }
        return writes;
    }

    /**
     * The block I/O weight: the BFQ file where the scheduler is there (it takes Docker's range as it is), else v2's
     * {@code io.weight} (converted) or v1's {@code blkio.weight}; {@code filesAt} is a group that shows which exist.
     */
    static List<Cgroups.Write> blkio(Resources r, boolean unified, Path filesAt) {
        if (r.blkioWeight() == 0) {
            return List.of();
        }
        String prefix = unified ? "io" : "blkio";
        if (Files.exists(filesAt.resolve(prefix + ".bfq.weight"))) {
            return List.of(new Cgroups.Write(prefix + ".bfq.weight", Integer.toString(r.blkioWeight())));
        }
        return List.of(unified ? new Cgroups.Write("io.weight", "default " + ioWeight(r.blkioWeight()))
                : new Cgroups.Write("blkio.weight", Integer.toString(r.blkioWeight())));
    }

    /** Whether {@code r} asks the memory controller for a soft limit or a swappiness. */
    static boolean asksMemory(Resources r) {
        return r.memoryReservation() != 0 || r.memorySwappiness() != null;
    }

    /**
     * The soft limit (v1 {@code memory.soft_limit_in_bytes}, v2 {@code memory.low}, as runc writes it) and the
     * swappiness (v1 {@code memory.swappiness}).
     *
     * @throws IllegalArgumentException for a swappiness on v2, which has no such file: dockerd drops it with a
     *                                  warning there; this engine says so instead of running without it
     */
    static List<Cgroups.Write> memory(Resources r, boolean unified) {
        List<Cgroups.Write> writes = new ArrayList<>();
        if (r.memoryReservation() != 0) {
            writes.add(new Cgroups.Write(unified ? "memory.low" : "memory.soft_limit_in_bytes",
                    Long.toString(r.memoryReservation())));
        }
        if (r.memorySwappiness() != null) {
            if (unified) {
                throw new IllegalArgumentException(swappinessOnV2(r.memorySwappiness()));
            }
            writes.add(new Cgroups.Write("memory.swappiness", Integer.toString(r.memorySwappiness())));
        }
        return writes;
    }

    private static String swappinessOnV2(int swappiness) {
        return "memory swappiness " + swappiness + " cannot be applied: this host's memory controller is cgroup v2, which"
                + " has no swappiness setting (memory.swappiness is cgroup v1's); leave --memory-swappiness out";
    }

    /**
     * The per-device weights and rates, each device by its numbers ({@code numbers} resolves a path). v1: one write per
     * device into {@code blkio.weight_device} (or {@code blkio.bfq.weight_device} where that is the one
     * {@code filesAt} has) and the {@code blkio.throttle.*_device} files; v2: {@code io.bfq.weight} (Docker's range as
     * it is) or {@code io.weight} (converted), and one {@code io.max} line per device with all its rates.
     */
    static List<Cgroups.Write> devices(BlockIoLimits b, boolean unified, Path filesAt, Function<String, String> numbers) {
        List<Cgroups.Write> writes = new ArrayList<>();
        String prefix = unified ? "io" : "blkio";
        boolean bfq = Files.exists(filesAt.resolve(unified ? "io.bfq.weight" : "blkio.bfq.weight_device"));
        for (BlockIoLimits.Device weight : b.weights()) {
            String device = numbers.apply(weight.path());
            if (bfq) {
                writes.add(new Cgroups.Write(unified ? "io.bfq.weight" : "blkio.bfq.weight_device", device + " " + weight.value()));
            } else if (unified) {
                writes.add(new Cgroups.Write("io.weight", device + " "
                        + (weight.value() == 0 ? "default" : Long.toString(ioWeight(weight.value())))));
            } else {
                writes.add(new Cgroups.Write(prefix + ".weight_device", device + " " + weight.value()));
            }
        }
        String[] v1Files = {"read_bps_device", "write_bps_device", "read_iops_device", "write_iops_device"};
        String[] v2Keys = {"rbps", "wbps", "riops", "wiops"};
        Map<String, StringBuilder> max = new LinkedHashMap<>();
        for (int i = 0; i < v1Files.length; i++) {
            for (BlockIoLimits.Device rate : b.rates().get(i)) {
                String device = numbers.apply(rate.path());
                if (unified) {
                    max.computeIfAbsent(device, d -> new StringBuilder(d)).append(' ').append(v2Keys[i]).append('=')
                            .append(rate.value() == 0 ? "max" : Long.toString(rate.value()));
                } else {
                    writes.add(new Cgroups.Write("blkio.throttle." + v1Files[i], device + " " + rate.value()));
                }
            }
        }
        max.values().forEach(line -> writes.add(new Cgroups.Write("io.max", line.toString())));
        return writes;
    }

    /**
     * What of {@code asked} this host applies as root, each setting the rest dropped (dockerd drops them with a warning,
     * {@link Resources#warnings}): CPU shares and the CFS files where the cpu controller has them, a cpuset where the
     * controller is mounted, a block I/O weight only where a file that weighs exists (v1 without BFQ has none).
     */
    static Resources supported(Resources asked, Cgroups layout) {
        Optional<Cgroups.Controller> cpu = layout.controller(Cgroups.CPU);
        boolean shares = cpu.map(c -> c.unified() || Files.exists(own(c).resolve("cpu.shares"))).orElse(false);
        boolean cfs = cpu.map(c -> c.unified() || Files.exists(own(c).resolve("cpu.cfs_quota_us"))).orElse(false);
        boolean cpuset = layout.controller(Cgroups.CPUSET).isPresent();
        boolean weight = layout.controller(Cgroups.IO).isPresent() || layout.controller(Cgroups.BLKIO)
                .map(c -> Files.exists(own(c).resolve("blkio.weight")) || Files.exists(own(c).resolve("blkio.bfq.weight")))
                .orElse(false);
        Optional<Cgroups.Controller> memory = layout.controller(Cgroups.MEMORY);
        if (asked.memorySwappiness() != null && memory.map(Cgroups.Controller::unified).orElse(false)) {
            throw new IllegalArgumentException(swappinessOnV2(asked.memorySwappiness()));
        }
        boolean soft = memory.map(c -> c.unified() || Files.exists(own(c).resolve("memory.soft_limit_in_bytes"))).orElse(false);
        boolean swappiness = memory.map(c -> Files.exists(own(c).resolve("memory.swappiness"))).orElse(false);
        return new Resources(shares ? asked.cpuShares() : 0, cfs ? asked.cpuPeriod() : 0, cfs ? asked.cpuQuota() : 0,
                cpuset ? asked.cpusetCpus() : "", cpuset ? asked.cpusetMems() : "", weight ? asked.blkioWeight() : 0,
                soft ? asked.memoryReservation() : 0, swappiness ? asked.memorySwappiness() : null,
                supportedDevices(asked.blockIo(), layout)).withAdvanced(AdvancedFiles.supported(asked.advanced(), layout));
    }

    /** The per-device lists whose files the host has: all of them with a v2 io controller, on v1 those with a file. */
    private static BlockIoLimits supportedDevices(BlockIoLimits asked, Cgroups layout) {
        if (!asked.any() || layout.controller(Cgroups.IO).isPresent()) {
            return asked;
        }
        Optional<Path> blkio = layout.controller(Cgroups.BLKIO).map(ResourceFiles::own);
        java.util.function.Predicate<String> has = file -> blkio.map(g -> Files.exists(g.resolve(file))).orElse(false);
        boolean weights = has.test("blkio.weight_device") || has.test("blkio.bfq.weight_device");
        return new BlockIoLimits(weights ? asked.weights() : List.of(),
                has.test("blkio.throttle.read_bps_device") ? asked.readBps() : List.of(),
                has.test("blkio.throttle.write_bps_device") ? asked.writeBps() : List.of(),
                has.test("blkio.throttle.read_iops_device") ? asked.readIops() : List.of(),
                has.test("blkio.throttle.write_iops_device") ? asked.writeIops() : List.of());
    }

    /**
     * Refuses a cpuset naming CPUs or memory nodes the host does not have online, in dockerd's words, and a per-device
     * limit on a path that is not a block device, naming it.
     */
    static void checkAvailable(Resources r) {
        for (List<BlockIoLimits.Device> list : List.of(r.blockIo().weights(), r.blockIo().readBps(), r.blockIo().writeBps(),
                r.blockIo().readIops(), r.blockIo().writeIops())) {
            list.forEach(device -> DeviceNode.blockNumbers(device.path()));
        }
        if (!available(r.cpusetCpus(), Path.of("/sys/devices/system/cpu/online"))) {
            throw new IllegalArgumentException("Requested CPUs are not available - requested " + r.cpusetCpus()
                    + ", available: " + read(Path.of("/sys/devices/system/cpu/online")).orElse("0"));
        }
        if (!available(r.cpusetMems(), Path.of("/sys/devices/system/node/online"))) {
            throw new IllegalArgumentException("Requested memory nodes are not available - requested " + r.cpusetMems()
                    + ", available: " + read(Path.of("/sys/devices/system/node/online")).orElse("0"));
        }
    }

    /** Whether every number of {@code list} is in the list {@code online} holds (a host without the file has node 0). */
    private static boolean available(String list, Path online) {
        if (list.isEmpty()) {
            return true;
        }
        java.util.Set<Integer> there = numbers(read(online).orElse("0"));
        return there.containsAll(numbers(list));
    }

    /** The numbers of a list such as {@code 0-2,4}. */
    static java.util.Set<Integer> numbers(String list) {
        java.util.Set<Integer> numbers = new java.util.TreeSet<>();
        for (String part : list.split(",")) {
            String[] range = part.strip().split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            for (int n = from; n <= to && numbers.size() < 4096; n++) {
                numbers.add(n);
            }
        }
        return numbers;
    }

    /** The group of this process in a controller's hierarchy: where a container's group is made, and what it inherits. */
    private static Path own(Cgroups.Controller controller) {
        return controller.mount().resolve(controller.ownGroup().replaceFirst("^/+", ""));
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
