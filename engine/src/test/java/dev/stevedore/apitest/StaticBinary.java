package dev.stevedore.apitest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Small test programs for containers whose images lack them (busybox): a C source beside this class,
 * compiled once per JVM with the host's {@code gcc -static} and bind-mounted into a container by the test.
 */
public final class StaticBinary {
    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();

    private StaticBinary() {
    }

    /** The program compiled from resource {@code name.c}; fails loudly when gcc or a static C library is missing. */
    public static Path of(String name) {
        return COMPILED.computeIfAbsent(name, StaticBinary::compile);
    }

    private static Path compile(String name) {
        try {
            Path dir = Files.createTempDirectory("stevedore-" + name + "-");
            dir.toFile().deleteOnExit();
            Path source = dir.resolve(name + ".c");
            try (InputStream in = StaticBinary.class.getResourceAsStream(name + ".c")) {
                if (in == null) {
                    throw new IllegalStateException("no test resource " + name + ".c beside " + StaticBinary.class.getName());
                }
                Files.write(source, in.readAllBytes());
            }
            Path out = dir.resolve(name);
            Process gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", out.toString(), source.toString())
                    .redirectErrorStream(true).start();
            String said = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IllegalStateException("compiling " + name + " with gcc -static failed: " + said
                        + " — install gcc and libc6-dev");
            }
            source.toFile().deleteOnExit();
            out.toFile().deleteOnExit();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("compiling " + name + " failed: " + e.getMessage() + " — install gcc and libc6-dev", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
