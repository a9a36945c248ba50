package dev.stevedore.dsl;

import java.util.regex.Pattern;

/** What a container's DSL name (and a network alias) may be, and the name an image gives it by default. */
final class ContainerNames {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    private ContainerNames() {
    }

    /** Whether {@code name} may be a container's name or a network alias (as Docker's names: 1 to 63 characters). */
    static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The DSL name an image gets by default: its repository's last component ({@code postgres} for {@code postgres:15}). */
    static String defaultName(String image) {
        if (image == null) {
            return "container";
        }
        String rest = image;
        int at = rest.indexOf('@');
        if (at >= 0) {
            rest = rest.substring(0, at);
        }
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            rest = rest.substring(0, colon);
        }
        String last = rest.substring(slash + 1).replaceAll("[^a-zA-Z0-9_.-]", "-");
        return last.isEmpty() || !Character.isLetterOrDigit(last.charAt(0)) ? "container" : last;
    }
}
