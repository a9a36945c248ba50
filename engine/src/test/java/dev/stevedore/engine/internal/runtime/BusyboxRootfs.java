package dev.stevedore.engine.internal.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A busybox root file system for runtime tests: the test bed's ({@code BUSYBOX_ROOTFS}, as environment
 * variable or system property) when set, else one built once per JVM from Debian's busybox-static, the
 * way an image layer would hold it: {@code /bin/busybox}, a symlink per applet, {@code /etc/passwd}.
 */
public final class BusyboxRootfs {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static Path built;

    private BusyboxRootfs() {
    }

    public static synchronized Path get() {
        String configured = System.getProperty("BUSYBOX_ROOTFS", System.getenv("BUSYBOX_ROOTFS"));
        if (configured != null && !configured.isBlank()) {
            Path rootfs = Path.of(configured);
            if (!Files.isExecutable(rootfs.resolve("bin/busybox"))) {
                throw new IllegalStateException("BUSYBOX_ROOTFS=" + configured + " has no bin/busybox: rebuild the test bed");
            }
            return rootfs;
        }
        if (built == null) {
            built = build();
        }
        return built;
    }

    private static Path build() {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: install Debian's busybox-static (apt-get install busybox-static)");
        }
        try {
            Path rootfs = Files.createTempDirectory("stevedore-busybox-");
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
            List<String> applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (list.waitFor() != 0 || applets.size() < 100) {
                throw new IllegalStateException("busybox --list failed: " + applets);
            }
            for (String applet : applets) {
                if (!applet.equals("busybox")) {
                    Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
                }
            }
            Path etc = Files.createDirectories(rootfs.resolve("etc"));
            Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
            Files.writeString(etc.resolve("group"), "root:x:0:\nnogroup:x:65534:\n");
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.createDirectories(rootfs.resolve("root"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TestDirectories.deleteQuietly(rootfs)));
            return rootfs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
