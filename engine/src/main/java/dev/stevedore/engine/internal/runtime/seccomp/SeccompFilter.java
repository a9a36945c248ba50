package dev.stevedore.engine.internal.runtime.seccomp;

import java.util.HexFormat;
import java.util.Objects;

/**
 * A compiled seccomp filter, ready for {@code seccomp(SECCOMP_SET_MODE_FILTER, flags, prog)}: the
 * classic BPF program as the kernel reads it ({@code struct sock_filter}, 8 bytes an instruction, in the
 * host's byte order, little-endian on both architectures this engine knows).
 *
 * @param program  the instructions, hex-encoded (the launcher's spec records carry no NUL bytes)
 * @param flags    {@code SECCOMP_FILTER_FLAG_*}
 * @param describe what it is, for logs and inspect ({@code builtin}, {@code custom})
 */
public record SeccompFilter(String program, int flags, String describe) {
    public SeccompFilter {
        Objects.requireNonNull(program, "program");
        if (program.isEmpty() || program.length() % 16 != 0) {
            throw new IllegalArgumentException("a seccomp program is a non-empty sequence of 8-byte instructions");
        }
    }

    /** How many instructions the program has. */
    public int instructions() {
        return program.length() / 16;
    }

    /** The program's bytes. */
    public byte[] bytes() {
        return HexFormat.of().parseHex(program);
    }
}
