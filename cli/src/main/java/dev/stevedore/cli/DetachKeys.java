package dev.stevedore.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * The key sequence that detaches from a container's terminal and leaves it running, docker's {@code --detach-keys}:
 * comma-separated keys, each a single character or {@code ctrl-<c>} ({@code ctrl-a} to {@code ctrl-z}, {@code ctrl-@},
 * {@code ctrl-[}, {@code ctrl-\}, {@code ctrl-]}, {@code ctrl-^}, {@code ctrl-_}); {@code ctrl-p,ctrl-q} by default.
 */
final class DetachKeys {
    static final String DEFAULT = "ctrl-p,ctrl-q";

    private final byte[] sequence;

    private DetachKeys(byte[] sequence) {
        this.sequence = sequence;
    }

    /** Parses docker's notation; an {@link IllegalArgumentException} that names the key it cannot read. */
    static DetachKeys parse(String keys) {
        String[] parts = keys.split(",");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String key = parts[i].strip();
            String lower = key.toLowerCase(Locale.ROOT);
            if (key.length() == 1) {
                bytes[i] = (byte) key.charAt(0);
            } else if (lower.startsWith("ctrl-") && key.length() == 6) {
                char c = Character.toUpperCase(key.charAt(5));
                if (c < '@' || c > '_') {
                    throw new IllegalArgumentException("invalid detach key '" + key + "': ctrl- takes a-z, @, [, \\, ], ^ or _");
                }
                bytes[i] = (byte) (c - '@');
            } else {
                throw new IllegalArgumentException("invalid detach key '" + key + "': use a character or ctrl-<c>, e.g. "
                        + DEFAULT);
            }
        }
        return new DetachKeys(bytes);
    }

    /**
     * {@code in} with the sequence taken out: the stream ends where the whole sequence was typed ({@link
     * Watching#detached()} then says so); a partial sequence followed by another key passes on as typed.
     */
    Watching watch(InputStream in) {
        return new Watching(in, sequence);
    }

    /** A stdin that ends at the detach keys. */
    static final class Watching extends FilterInputStream {
        private final byte[] sequence;
        private int matched;
        private volatile boolean detached;
        private byte[] pending = new byte[0];

        Watching(InputStream in, byte[] sequence) {
            super(in);
            this.sequence = sequence.clone();
        }

        /** Whether the stream ended because the detach keys were typed. */
        boolean detached() {
            return detached;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (pending.length > 0) {
                int n = Math.min(length, pending.length);
                System.arraycopy(pending, 0, buffer, offset, n);
                pending = Arrays.copyOfRange(pending, n, pending.length);
                return n;
            }
            if (detached) {
                return -1;
            }
            for (;;) {
                byte[] chunk = new byte[Math.max(1, length)];
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0 && matched > 0) {
                    // the input ended inside a partial sequence: those keys were typed after all
                    pending = Arrays.copyOf(sequence, matched);
                    matched = 0;
                    return read(buffer, offset, length);
                }
                if (n < 0) {
                    return -1;
                }
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == sequence[matched]) {
                        matched++;
                        if (matched == sequence.length) {
                            detached = true;
                            break;
                        }
                    } else {
                        // the keys held back were typed after all
                        out.write(sequence, 0, matched);
                        matched = chunk[i] == sequence[0] ? 1 : 0;
                        if (matched == 0) {
                            out.write(chunk[i]);
                        }
                    }
                }
                byte[] passed = out.toByteArray();
                if (passed.length == 0) {
                    if (detached) {
                        return -1;
                    }
                    continue; // only part of the sequence so far: wait for what follows
                }
                int give = Math.min(length, passed.length);
                System.arraycopy(passed, 0, buffer, offset, give);
                pending = Arrays.copyOfRange(passed, give, passed.length);
                return give;
            }
        }
    }
}
