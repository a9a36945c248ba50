package dev.stevedore.cli;

/** Short forms of content addresses, as Docker shows image and layer ids: the first 12 hex digits. */
final class Ids {
    static final int SHORT_LENGTH = 12;

    private Ids() {
    }

    /** {@code sha256:0123456789abcdef...} becomes {@code 0123456789ab}. */
    static String shortId(String digest) {
        String hex = hex(digest);
        return hex.length() <= SHORT_LENGTH ? hex : hex.substring(0, SHORT_LENGTH);
    }

    /** The hex part of a digest, without its {@code algorithm:} prefix. */
    static String hex(String digest) {
        int colon = digest.indexOf(':');
        return colon < 0 ? digest : digest.substring(colon + 1);
    }
}
