package dev.stevedore.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Something that happened in an engine: a container created, started, ended or removed; an image pulled, tagged,
 * untagged or deleted; a network or volume created or removed, a container connected to or disconnected from a
 * network. What {@link ContainerEngine#events} delivers, as Docker's {@code /events} names it.
 *
 * @param type       what kind of object it happened to
 * @param action     what happened
 * @param id         the object: a container's, network's or image's id, a volume's name, an image reference for
 *                   {@code PULL}, {@code TAG} and {@code UNTAG}
 * @param attributes more about it: {@link #NAME}, {@link #IMAGE}, {@link #EXIT_CODE} on a container's {@code DIE},
 *                   {@link #CONTAINER} on a network's {@code CONNECT} and {@code DISCONNECT}; Docker adds others
 *                   (labels among them)
 * @param time       when it happened
 * @param detail     what Docker writes after the action's name ({@link #dockerAction()}): the command of an
 *                   {@code EXEC_CREATE} and {@code EXEC_START}, the status of a {@code HEALTH_STATUS}; empty for
 *                   the others
 */
public record EngineEvent(Type type, Action action, String id, Map<String, String> attributes, Instant time,
                          String detail) {
    /** The attribute with a container's, network's or volume's name. */
    public static final String NAME = "name";
    /** The attribute with the image reference a container was created from. */
    public static final String IMAGE = "image";
    /** The attribute with the exit code on a container's {@link Action#DIE}. */
    public static final String EXIT_CODE = "exitCode";
    /**
     * The attribute with the container's id on a network's {@link Action#CONNECT} and {@link Action#DISCONNECT} and
     * a volume's {@link Action#MOUNT} and {@link Action#UNMOUNT}.
     */
    public static final String CONTAINER = "container";
    /** The attribute with the signal number on a container's {@link Action#KILL}. */
    public static final String SIGNAL = "signal";
    /** The attribute with an exec's id on {@code EXEC_CREATE}, {@code EXEC_START} and {@code EXEC_DIE}. */
    public static final String EXEC_ID = "execID";

    /** The kinds of objects events are about. */
    public enum Type { CONTAINER, IMAGE, NETWORK, VOLUME }

    /**
     * What happened, as Docker names it ({@link #dockerName()}): {@code CREATE}, {@code START}, {@code KILL} (with
     * {@code signal}), {@code DIE} (its process ended), {@code STOP}, {@code PAUSE}, {@code UNPAUSE}, {@code RENAME}
     * (with {@code oldName}), {@code UPDATE}, {@code ATTACH}, {@code EXEC_CREATE}, {@code EXEC_START},
     * {@code EXEC_DIE} and {@code DESTROY} (removed) for containers; {@code CREATE}, {@code DESTROY}, {@code CONNECT}
     * and {@code DISCONNECT} for networks; {@code CREATE}, {@code MOUNT}, {@code UNMOUNT} and {@code DESTROY} for
     * volumes; {@code PULL}, {@code TAG}, {@code UNTAG} and {@code DELETE} for images. And {@code RESTART},
     * {@code OOM}, {@code COMMIT} (with {@code imageID}, {@code imageRef}, {@code comment}), {@code TOP},
     * {@code EXPORT}, {@code RESIZE} (with {@code height}, {@code width}), {@code ARCHIVE_PATH} (a copy out of it),
     * {@code EXTRACT_TO_DIR} (a copy into it) and {@code HEALTH_STATUS} for containers; {@code PUSH}, {@code SAVE},
     * {@code LOAD} and {@code IMPORT} for images; {@code PRUNE} (with {@code reclaimed}) for each kind.
     */
    public enum Action {
        CREATE, START, KILL, DIE, STOP, PAUSE, UNPAUSE, RENAME, UPDATE, ATTACH, EXEC_CREATE, EXEC_START, EXEC_DIE,
        DESTROY, CONNECT, DISCONNECT, MOUNT, UNMOUNT, PULL, TAG, UNTAG, DELETE,
        RESTART, OOM, COMMIT, TOP, EXPORT, RESIZE, ARCHIVE_PATH, EXTRACT_TO_DIR, HEALTH_STATUS, PUSH, SAVE, LOAD,
        IMPORT, PRUNE;

        /** The action as Docker's {@code /events} spells it ({@code exec_create}, {@code archive-path}). */
        public String dockerName() {
            String name = name().toLowerCase(java.util.Locale.ROOT);
            // the copies are the only actions dockerd spells with hyphens
            return this == ARCHIVE_PATH || this == EXTRACT_TO_DIR ? name.replace('_', '-') : name;
        }

        /**
         * The action Docker names {@code name}, without what follows a colon ({@code "exec_start: sh -c true"} is
         * {@code EXEC_START}); empty for an action this API does not name.
         */
        public static java.util.Optional<Action> fromDockerName(String name) {
            int colon = name.indexOf(':');
            String bare = (colon < 0 ? name : name.substring(0, colon)).strip();
            for (Action action : values()) {
                if (action.dockerName().equals(bare)) {
                    return java.util.Optional.of(action);
                }
            }
            return java.util.Optional.empty();
        }
    }

    public EngineEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(id, "id");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        Objects.requireNonNull(time, "time");
        detail = detail == null ? "" : detail;
    }

    /** An event with nothing after its action's name. */
    public EngineEvent(Type type, Action action, String id, Map<String, String> attributes, Instant time) {
        this(type, action, id, attributes, time, "");
    }

    /**
     * The action as Docker's {@code /events} writes it: {@link Action#dockerName()}, then {@code ": "} and the
     * {@link #detail} when there is one ({@code "exec_start: sh -c true"}, {@code "health_status: healthy"}).
     */
    public String dockerAction() {
        return detail.isEmpty() ? action.dockerName() : action.dockerName() + ": " + detail;
    }

    /** The exit code of a container's {@link Action#DIE}; empty for every other event. */
    public OptionalInt exitCode() {
        String code = attributes.get(EXIT_CODE);
        if (code == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(code));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Whether this event is {@code action} on a container. */
    public boolean isContainer(Action wanted) {
        return type == Type.CONTAINER && action == wanted;
    }
}
