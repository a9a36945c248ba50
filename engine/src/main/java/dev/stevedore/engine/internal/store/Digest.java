package dev.stevedore.engine.internal.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated content digest ({@code sha256:<64 hex>}). Validation matters: digests become file names,
 * and an unvalidated one is a path traversal (CVE-2024-3727).
 */
public record Digest(String algorithm, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");

    public Digest {
        if (!"sha256".equals(algorithm)) {
            throw new IllegalArgumentException("unsupported digest algorithm \"" + algorithm + "\": only sha256 is supported");
        }
        if (hex == null || !SHA256.matcher(hex).matches()) {
            throw new IllegalArgumentException("digest \"" + algorithm + ":" + hex + "\" is not 64 lowercase hex digits");
        }
    }

    /** Parses {@code sha256:<64 hex>}; anything else is an {@link IllegalArgumentException}. */
    public static Digest parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not a digest of the form sha256:<hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The sha256 digest of {@code bytes}. */
    public static Digest of(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(sha256().digest(bytes)));
    }

    /** A fresh SHA-256 message digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The first 12 hex digits, as Docker shows layer ids. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    // Written out rather than generated: a record's generated equals and hashCode link through ObjectMethods'
    // bootstrap on first use, spinning method-handle classes that no class-data archive keeps (see the CLI's
    // speed notes in docs/design.md); this type is on every short command's path.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Digest other
                && algorithm.equals(other.algorithm)
                && hex.equals(other.hex);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, hex);
    }
}
