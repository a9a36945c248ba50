package dev.stevedore.engine;

import java.util.Objects;

/**
 * One change in a container's file system against its image, as {@code docker diff} lists it
 * ({@code GET /containers/{id}/changes}): a path with what happened to it.
 *
 * @param path the absolute path in the container ({@code /tmp/new.txt})
 * @param kind what happened to it
 */
public record FileChange(String path, Kind kind) {

    /** What happened to a path; the order is Docker's numbering (0 modified, 1 added, 2 deleted). */
    public enum Kind {
        /** The path existed in the image and was changed ({@code C} in {@code docker diff}). */
        MODIFIED,
        /** The path is new ({@code A}). */
        ADDED,
        /** The path existed in the image and was removed ({@code D}). */
        DELETED;

        /** Docker's number for the kind: the {@code Kind} field of the changes endpoint. */
        public int code() {
            return ordinal();
        }

        /** The kind Docker numbers {@code code}. */
        public static Kind ofCode(int code) {
            Kind[] kinds = values();
            if (code < 0 || code >= kinds.length) {
                throw new IllegalArgumentException("unknown file change kind " + code + " (Docker uses 0, 1 and 2)");
            }
            return kinds[code];
        }

        /** The letter {@code docker diff} prints for the kind: {@code C}, {@code A} or {@code D}. */
        public char letter() {
            return "CAD".charAt(ordinal());
        }
    }

    public FileChange {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
    }

    /** The line {@code docker diff} prints for the change: {@code A /tmp/new.txt}. */
    @Override
    public String toString() {
        return kind.letter() + " " + path;
    }
}
