package dev.stevedore.engine.internal.runtime.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The system call numbers of one architecture, by name, as the kernel's UAPI headers give them
 * ({@code src/seccomp/syscall-tables.sh} regenerates the resources), with what a filter needs to know
 * about the architecture: its audit number, the name Docker's profiles use for it, and where its
 * numbers stop being its own (x32 on x86_64).
 *
 * @param name            the kernel's name ({@code x86_64}, {@code aarch64})
 * @param dockerName      the name in a profile's {@code includes.arches} ({@code amd64}, {@code arm64})
 * @param auditArch       {@code AUDIT_ARCH_*}, what {@code seccomp_data.arch} holds for this architecture's calls
 * @param foreignFrom     call numbers from here on belong to another ABI (x32's bit), or -1
 */
public record SyscallTable(String name, String dockerName, int auditArch, long foreignFrom, Map<String, Integer> numbers) {

    public SyscallTable {
        numbers = Map.copyOf(numbers);
    }

    /** The table of the architecture this JVM runs on; empty when there is none for it. */
    public static Optional<SyscallTable> host() {
        return forArch(System.getProperty("os.arch"));
    }

    /** The table for a JVM's {@code os.arch} ({@code amd64}, {@code x86_64}, {@code aarch64}, {@code arm64}). */
    public static Optional<SyscallTable> forArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> Optional.of(Holder.X86_64);
            case "aarch64", "arm64" -> Optional.of(Holder.AARCH64);
            default -> Optional.empty();
        };
    }

    /** Whether there is a table for a JVM's {@code os.arch}, without reading it. */
    public static boolean knows(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "aarch64", "arm64" -> true;
            default -> false;
        };
    }

    /** The number of a call on this architecture; empty when it has no such call. */
    public OptionalInt number(String syscall) {
        Integer n = numbers.get(syscall);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    private static final class Holder {
        static final SyscallTable X86_64 = new SyscallTable("x86_64", "amd64", 0xC000003E, 0x40000000L, load("x86_64"));
        static final SyscallTable AARCH64 = new SyscallTable("aarch64", "arm64", 0xC00000B7, -1, load("aarch64"));

        private static Map<String, Integer> load(String arch) {
            String resource = "syscalls-" + arch + ".txt";
            Map<String, Integer> numbers = new HashMap<>();
            try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("the engine's jar lacks " + resource);
                }
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
                for (String line; (line = lines.readLine()) != null; ) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 2) {
                        numbers.put(parts[0], Integer.parseInt(parts[1]));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
            return numbers;
        }
    }
}
