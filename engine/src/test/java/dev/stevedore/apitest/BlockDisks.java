package dev.stevedore.apitest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The host's root disk, for tests of per-device block I/O limits: picked at run time from {@code /sys/block} (the disk
 * holding the file system of {@code /}, or one of its partitions), never a made loop device.
 */
public final class BlockDisks {
    private BlockDisks() {
    }

    /** The root disk's node, such as {@code /dev/vda}. */
    public static String root() {
        try {
            long dev = (Long) Files.getAttribute(Path.of("/"), "unix:dev");
            String numbers = (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL)) + ":" + ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
            List<Path> disks;
            try (Stream<Path> listed = Files.list(Path.of("/sys/block"))) {
                disks = listed.sorted().toList();
            }
            for (Path disk : disks) {
                try (Stream<Path> parts = Files.list(disk)) {
                    boolean holds = numbers.equals(read(disk.resolve("dev"))) || parts.anyMatch(p ->
                            Files.exists(p.resolve("partition")) && numbers.equals(read(p.resolve("dev"))));
                    if (holds && Files.exists(Path.of("/dev", disk.getFileName().toString()))) {
                        return "/dev/" + disk.getFileName();
                    }
                }
            }
            // the root file system is not on a disk of its own (an overlay): the first real disk, one with a device
            return disks.stream().filter(d -> Files.exists(d.resolve("device"))).map(d -> "/dev/" + d.getFileName())
                    .findFirst().orElseThrow(() -> new AssertionError("this host has no disk in /sys/block: " + disks));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The disk's {@code MAJ:MIN}, as the kernel's per-device cgroup files show it. */
    public static String numbers(String node) {
        return read(Path.of("/sys/block", Path.of(node).getFileName().toString(), "dev"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
