package dev.stevedore.cli;

/** Short forms of content addresses, as Docker shows image and layer ids: the first 12 hex digits. */
final class Ids {
    static final int SHORT_LENGTH = 12;
    /** What may name an image by its id, in full or a prefix, as docker reads one. */
    static final java.util.regex.Pattern IMAGE_ID = java.util.regex.Pattern.compile("(sha256:)?[0-9a-f]{4,64}");

    private Ids() {
    }

    /** {@code sha256:0123456789abcdef...} becomes {@code 0123456789ab}. */
    static String shortId(String digest) {
        String hex = hex(digest);
        return hex.length() <= SHORT_LENGTH ? hex : hex.substring(0, SHORT_LENGTH);
    }

    /** Whether {@code text} is an image id in full, which docker never reads as a name. */
    static boolean fullImageId(String text) {
        return IMAGE_ID.matcher(text).matches() && hex(text).length() == 64;
    }

    /** Whether {@code text} is (a prefix of) the id of a local image of {@code engine}. */
    static boolean localImageId(dev.stevedore.engine.ContainerEngine engine, String text) {
        return IMAGE_ID.matcher(text).matches()
                && engine.images().stream().anyMatch(i -> hex(i.id()).startsWith(hex(text)));
    }

    /** The hex part of a digest, without its {@code algorithm:} prefix. */
    static String hex(String digest) {
        int colon = digest.indexOf(':');
        return colon < 0 ? digest : digest.substring(colon + 1);
    }
}
