package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.testbed.Testbed;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The busybox root file system the runtime tests run on: the test bed's unpacked busybox image
 * ({@code BUSYBOX_ROOTFS} in {@code testbed.env}). Shared and never written: containers overlay it.
 * Fails, never skips, when the test bed is not up.
 */
public final class BusyboxRootfs {
    private BusyboxRootfs() {
    }

    public static Path get() {
        Path rootfs = Testbed.get().busyboxRootfs();
        if (!Files.isExecutable(rootfs.resolve("bin/busybox")) && !Files.isExecutable(rootfs.resolve("bin/sh"))) {
            throw new AssertionError("the test bed's BUSYBOX_ROOTFS " + rootfs + " holds no busybox: rerun `sudo testbed/up`");
        }
        return rootfs;
    }
}
