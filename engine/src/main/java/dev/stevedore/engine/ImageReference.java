package dev.stevedore.engine;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed, normalised image reference, as Docker reads one: {@code postgres} is
 * {@code docker.io/library/postgres:latest}; {@code host:5000/team/app:1.4@sha256:...} keeps every part.
 *
 * <p>Immutable. {@link #toString()} gives the fully qualified form, {@link #familiar()} the short form
 * Docker shows ({@code postgres:15}).
 *
 * @param registry   the registry host, with a port when one was given; {@code docker.io} for Docker Hub
 * @param repository the repository path, e.g. {@code library/postgres}
 * @param tag        the tag, or {@code null} when the reference names only a digest
 * @param digest     the content digest ({@code sha256:<64 hex>}), or {@code null}
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    /** The registry name Docker Hub images are filed under. */
    public static final String DOCKER_HUB = "docker.io";
    /** The host that actually serves Docker Hub's registry API. */
    public static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";

    private static final int NAME_MAX = 255;
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
    private static final Pattern IMAGE_ID = Pattern.compile("[a-f0-9]{64}");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (tag == null && digest == null) {
            tag = "latest";
        }
    }

    /**
     * Parses and normalises a reference.
     *
     * @throws InvalidImageReferenceException naming the input and what is wrong with it
     */
    public static ImageReference parse(String input) {
        if (input == null || input.isEmpty()) {
            throw new InvalidImageReferenceException(String.valueOf(input), "an image reference cannot be empty");
        }
        if (!input.equals(input.strip())) {
            throw new InvalidImageReferenceException(input, "it has leading or trailing white space");
        }
        if (IMAGE_ID.matcher(input).matches()) {
            // Docker refuses these too: an image id typed where a name was expected must not pull "library/<id>"
            throw new InvalidImageReferenceException(input, "a name of 64 hexadecimal digits looks like an image id; "
                    + "use the id's digest form (name@sha256:...) instead");
        }
        String rest = input;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new InvalidImageReferenceException(input,
                        "digest \"" + digest + "\" is not sha256:<64 lowercase hex digits>");
            }
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidImageReferenceException(input, "tag \"" + tag
                        + "\" must be 1 to 128 of letters, digits, '_', '.', '-' and not start with '.' or '-'");
            }
        }
        if (rest.isEmpty()) {
            throw new InvalidImageReferenceException(input, "the repository name is missing");
        }
        String registry;
        String path;
        int firstSlash = rest.indexOf('/');
        String first = firstSlash < 0 ? null : rest.substring(0, firstSlash);
        if (first != null && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(java.util.Locale.ROOT)))) {
            registry = first;
            path = rest.substring(firstSlash + 1);
            if (!DOMAIN.matcher(registry).matches()) {
                throw new InvalidImageReferenceException(input, "registry \"" + registry + "\" is not a valid host[:port]");
            }
        } else {
            registry = DOCKER_HUB;
            path = rest;
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (path.isEmpty()) {
            throw new InvalidImageReferenceException(input, "the repository name is missing after the registry");
        }
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                throw new InvalidImageReferenceException(input, "the repository name has an empty path component");
            }
            if (!component.equals(component.toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidImageReferenceException(input, "repository name must be lowercase");
            }
            if (!COMPONENT.matcher(component).matches()) {
                throw new InvalidImageReferenceException(input, "repository path component \"" + component
                        + "\" may hold only lowercase letters, digits and single separators ('.', '_', '__', '-')");
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (registry.length() + 1 + path.length() > NAME_MAX) {
            throw new InvalidImageReferenceException(input, "the name is longer than " + NAME_MAX + " characters");
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** The fully qualified name without tag or digest: {@code docker.io/library/postgres}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** What to ask the registry's manifest endpoint for: the digest when there is one, else the tag. */
    public String identifier() {
        return digest != null ? digest : tag;
    }

    /** The host to send registry API requests to ({@code registry-1.docker.io} for Docker Hub). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
    }

    /** This reference filed under another registry (for mirrors); repository, tag and digest are kept. */
    public ImageReference withRegistry(String newRegistry) {
        return new ImageReference(newRegistry, repository, tag, digest);
    }

    /** This reference pinned to a digest; the tag is kept for display. */
    public ImageReference withDigest(String newDigest) {
        return new ImageReference(registry, repository, tag, newDigest);
    }

    /** The short form Docker shows: {@code postgres:15}, {@code team/app:1.4}, {@code host:5000/app:1}. */
    public String familiar() {
        String name = registry.equals(DOCKER_HUB)
                ? (repository.startsWith("library/") ? repository.substring("library/".length()) : repository)
                : name();
        return name + suffix();
    }

    private String suffix() {
        StringBuilder s = new StringBuilder();
        if (tag != null) {
            s.append(':').append(tag);
        }
        if (digest != null) {
            s.append('@').append(digest);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return name() + suffix();
    }

    // Written out rather than generated: a record's generated equals and hashCode link through ObjectMethods'
    // bootstrap on first use, spinning method-handle classes that no class-data archive keeps (see the CLI's
    // speed notes in docs/design.md); this type is on every short command's path.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ImageReference other
                && Objects.equals(registry, other.registry)
                && Objects.equals(repository, other.repository)
                && Objects.equals(tag, other.tag)
                && Objects.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, repository, tag, digest);
    }
}
