package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fingerprint of everything in a directory tree and of the host's {@code /etc}: taken before and after an
 * unpack, equal fingerprints prove nothing outside the layer's target was created, changed or removed.
 */
record Sentinel(Map<String, String> sandbox, Map<String, String> etc, String passwd) {

    /** Makes files and directories around the target for an escaping layer to hit. */
    static void furnish(Path sandbox) throws IOException {
        Files.createDirectories(sandbox.resolve("outside"));
        Files.writeString(sandbox.resolve("outside/secret.txt"), "do not touch\n");
        Files.createDirectories(sandbox.resolve("a/b/outside"));
        Files.writeString(sandbox.resolve("a/b/outside/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.writeString(sandbox.resolve("a/b/c-sibling"), "sibling\n");
        Files.createDirectories(sandbox.resolve("a/b/c"));
    }

    /** The parent of the target ({@code a/b/c}) changes its mtime when the target comes and goes: ignored. */
    static Sentinel take(Path sandbox) throws IOException {
        Map<String, String> tree = fingerprint(sandbox);
        tree.computeIfPresent("a/b/c/", (k, v) -> v.replaceAll(" mtime=\\S+", ""));
        return new Sentinel(tree, etcNames(), hash(Path.of("/etc/passwd")));
    }

    private static Map<String, String> etcNames() throws IOException {
        Map<String, String> names = new TreeMap<>();
        try (var list = Files.list(Path.of("/etc"))) {
            list.forEach(p -> names.put(p.getFileName().toString(), ""));
        }
        return names;
    }

    private static Map<String, String> fingerprint(Path root) throws IOException {
        Map<String, String> all = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                all.put(root.relativize(dir).toString() + "/", describe(dir, attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                all.put(root.relativize(file).toString(), describe(file, attrs));
                return FileVisitResult.CONTINUE;
            }
        });
        return all;
    }

    private static String describe(Path path, BasicFileAttributes attrs) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        Object nlink = Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        String base = "mode=" + Integer.toOctalString((Integer) mode) + " nlink=" + nlink + " mtime="
                + attrs.lastModifiedTime();
        if (attrs.isSymbolicLink()) {
            return base + " -> " + Files.readSymbolicLink(path);
        }
        if (attrs.isRegularFile()) {
            return base + " sha=" + hash(path);
        }
        return base;
    }

    private static String hash(Path file) throws IOException {
        return Digest.of(Files.readAllBytes(file)).hex();
    }
}
