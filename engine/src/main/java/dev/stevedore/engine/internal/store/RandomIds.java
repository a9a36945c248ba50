package dev.stevedore.engine.internal.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random ids and choices for containers, volumes and networks, from one {@link SecureRandom} made on first use: a
 * command that makes none (a CLI {@code images} or {@code ps}) does not pay for seeding it and loading its provider;
 * and unique names for temporary files, which need no randomness at all.
 */
public final class RandomIds {
    private RandomIds() {
    }

    /** A new id as Docker writes its ids: 32 random bytes in 64 lowercase hex digits. */
    public static String newId() {
        byte[] bytes = new byte[32];
        Holder.RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A random number from 0 (included) to {@code bound} (excluded). */
    public static int nextInt(int bound) {
        return Holder.RANDOM.nextInt(bound);
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

    /** Made when first asked for, by the JVM's lazy class initialisation. */
    private static final class Holder {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
