package dev.stevedore.engine.internal.store;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids for containers, volumes and networks, read from the kernel's {@code /dev/urandom} as Docker's come from
 * Go's {@code crypto/rand}; random choices (a container's generated name), which need no secret, from
 * {@link ThreadLocalRandom}; and unique names for temporary files, which need no randomness at all. A
 * {@link SecureRandom} (made only where {@code /dev/urandom} cannot be read) would start the JCA: its provider list
 * and a seeded SHA1PRNG that the default {@code NativePRNG} mixes in, about a tenth of a short {@code run}'s CPU.
 */
public final class RandomIds {
    private static final String URANDOM = "/dev/urandom";

    private RandomIds() {
    }

    /** A new id as Docker writes its ids: 32 random bytes in 64 lowercase hex digits. */
    public static String newId() {
        byte[] bytes;
        try (InputStream random = new FileInputStream(URANDOM)) {
            bytes = random.readNBytes(32);
        } catch (IOException e) {
            bytes = new byte[0];
        }
        if (bytes.length != 32) { // no /dev/urandom (not Linux, a bare chroot)
            bytes = new byte[32];
            Holder.RANDOM.nextBytes(bytes);
        }
        return HexFormat.of().formatHex(bytes);
    }

    /** A random number from 0 (included) to {@code bound} (excluded), not secret. */
    public static int nextInt(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    /**
     * A name part no other live process and no earlier call of this one makes (this process's id, a counter and the
     * clock), for temporary files renamed into place: unique, not secret, so no {@link SecureRandom} is seeded for it
     * (as {@code UUID.randomUUID()} seeds one of its own on every command that writes a state file).
     */
    public static String uniqueName() {
        return ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    /** Made when first asked for (never where /dev/urandom answers), by the JVM's lazy class initialisation. */
    private static final class Holder {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
