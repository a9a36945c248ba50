package dev.stevedore.engine.internal.layer;

import java.io.IOException;

import dev.stevedore.engine.internal.os.Libc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns an archive member's name into the path components it may write, or refuses it.
 *
 * <p>Rules, following what Docker's and containerd's unpackers accept: empty components and {@code .} are
 * dropped; a leading {@code /} is dropped too, so an absolute name such as {@code /etc/passwd} means
 * {@code etc/passwd} <em>inside</em> the layer (Docker treats it the same way); {@code ..} removes the
 * component before it, and a {@code ..} with nothing left to remove is refused, because it would climb out
 * of the layer. Names with a NUL byte, longer than 4096 bytes (PATH_MAX) or with a component longer than 255
 * bytes (NAME_MAX) are refused. The lexical {@code ..} is sound here because the unpacker never follows a
 * symlink while resolving a path.
 */
final class LayerPaths {
    static final int PATH_MAX = 4096;
    static final int NAME_MAX = 255;

    private LayerPaths() {
    }

    /**
     * The components of {@code name}, cleaned; an empty list is the layer root.
     *
     * @param what how to call the name in an error, e.g. "the name" or "the hard link target"
     * @throws LayerFault naming {@code entry} when the name is refused
     */
    static List<byte[]> clean(byte[] name, String entry, String what) {
        for (byte b : name) {
            if (b == 0) {
                throw new LayerFault(entry, what + " contains a NUL byte");
            }
        }
        if (name.length > PATH_MAX) {
            throw new LayerFault(entry, what + " is " + name.length + " bytes long, more than the " + PATH_MAX
                    + " (PATH_MAX) a path may have");
        }
        List<byte[]> components = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= name.length; i++) {
            if (i < name.length && name[i] != '/') {
                continue;
            }
            int length = i - start;
            if (length == 0 || (length == 1 && name[start] == '.')) {
                start = i + 1;
                continue;
            }
            if (length == 2 && name[start] == '.' && name[start + 1] == '.') {
                if (components.isEmpty()) {
                    throw new LayerFault(entry, what + " climbs out of the layer with '..'");
                }
                components.remove(components.size() - 1);
            } else {
                if (length > NAME_MAX) {
                    throw new LayerFault(entry, what + " has a component of " + length + " bytes, more than the "
                            + NAME_MAX + " (NAME_MAX) a file name may have");
                }
                components.add(Arrays.copyOfRange(name, start, i));
            }
            start = i + 1;
        }
        return components;
    }

    /** The components joined with {@code /}: a key for maps, and the relative path in messages. */
    static String key(List<byte[]> components, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append('/');
            }
            // ISO-8859-1 maps every byte to one char: a lossless key whatever the bytes are.
            b.append(new String(components.get(i), StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }

    /** A key back in readable form for messages. */
    static String display(String key) {
        return Libc.display(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    static boolean is(byte[] component, String text) {
        return Arrays.equals(component, text.getBytes(StandardCharsets.US_ASCII));
    }

    static boolean startsWith(byte[] component, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        return component.length >= p.length && Arrays.equals(component, 0, p.length, p, 0, p.length);
    }

    static void removeTree(int parent, byte[] name) throws IOException {
        int fd = Libc.openat(parent, name, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
        try {
            for (byte[] child : Libc.listDirectory(parent, name)) {
                Libc.Stat stat = Libc.lstatat(fd, child);
                if (stat != null && stat.isDirectory()) {
                    removeTree(fd, child);
                } else if (stat != null) {
                    Libc.unlinkat(fd, child, 0);
                }
            }
        } finally {
            Libc.close(fd);
        }
        Libc.unlinkat(parent, name, Libc.AT_REMOVEDIR);
    }


    static List<byte[]> split(String key) {
        List<byte[]> path = new ArrayList<>();
        for (String part : key.split("/", -1)) {
            path.add(part.getBytes(StandardCharsets.ISO_8859_1));
        }
        return path;
    }


    static int depth(String key) {
        int depth = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '/') {
                depth++;
            }
        }
        return depth;
    }


    static boolean contains(byte[] bytes, byte value) {
        for (byte b : bytes) {
            if (b == value) {
                return true;
            }
        }
        return false;
    }
}
