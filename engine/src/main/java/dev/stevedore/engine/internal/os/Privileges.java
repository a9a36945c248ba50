package dev.stevedore.engine.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** What this process may do to files: whether it is root, and whether it runs inside a user namespace. */
public final class Privileges {
    private static final Path UID_MAP = Path.of("/proc/self/uid_map");
    private static final Path STATUS = Path.of("/proc/self/status");

    private Privileges() {
    }

    /** Whether the effective user id is 0 (in whatever user namespace this process lives in). */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /**
     * This process's effective user id, as {@code geteuid()} gives it but from {@code /proc/self/status}: every engine
     * open asks whether it is root (the engine's mode, the layer unpacker's owners), and starting JNA for that one
     * number was a fifth of a short command's Java time ({@code stevedore images}) where nothing else needs a native
     * call.
     */
    public static long effectiveUid() {
        OptionalLong uid = effectiveId("Uid:");
        return uid.isPresent() ? uid.getAsLong() : Libc.geteuid(); // no /proc: the system call, through JNA
    }

    /** The effective id of {@code field} ({@code Uid:} or {@code Gid:}) in /proc/self/status, empty if unreadable. */
    public static OptionalLong effectiveId(String field) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) { // real, effective, saved, file system
                    return OptionalLong.of(Long.parseLong(line.substring(field.length()).strip().split("\\s+")[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // empty
        }
        return OptionalLong.empty();
    }

    /**
     * Whether this process runs in a user namespace other than the initial one: there, root may not
     * create device nodes and may only own the ids its namespace maps. The initial namespace maps all
     * 2^32-1 ids onto themselves ({@code 0 0 4294967295}); anything else is a nested namespace.
     */
    public static boolean inUserNamespace() {
        try {
            String map = Files.readString(UID_MAP, StandardCharsets.US_ASCII).trim();
            String[] fields = map.split("\\s+");
            return !(fields.length == 3 && fields[0].equals("0") && fields[1].equals("0")
                    && fields[2].equals("4294967295"));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Whether this process can create character and block devices: root in the initial user namespace. */
    public static boolean canCreateDevices() {
        return isRoot() && !inUserNamespace();
    }
}
