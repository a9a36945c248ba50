package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files a build may copy: a context directory and/or files given one by one, less what {@code .dockerignore}
 * excludes. Sources are found by path or glob ({@code *}, {@code ?}, {@code [...]} within a path element) and
 * hashed by name, type, mode, owner, size, link target and content — not by modification time, so touching a file
 * keeps the cache.
 */
final class BuildContext {
    private final NavigableMap<String, Path> entries = new TreeMap<>();

    /** A context path and the file or directory on disk it is. */
    record Source(String path, Path file) {
    }

    BuildContext(Path directory, Map<String, Path> files, IgnoreMatcher ignore) throws IOException {
        if (directory != null) {
            try (Stream<Path> walk = Files.walk(directory)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    if (p.equals(directory)) {
                        continue;
                    }
                    String rel = directory.relativize(p).toString();
                    if (!ignore.excludes(rel)) {
                        entries.put(rel, p);
                        addParents(rel, directory);
                    }
                }
            }
        }
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String rel = IgnoreMatcher.clean(file.getKey().replaceFirst("^/+", ""));
            if (rel.startsWith("..")) {
                throw new BuildException("context file " + file.getKey() + " would lie outside the context", null, -1, List.of());
            }
            entries.put(rel, file.getValue());
            if (Files.isDirectory(file.getValue())) {
                try (Stream<Path> walk = Files.walk(file.getValue())) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        if (!p.equals(file.getValue())) {
                            entries.put(rel + "/" + file.getValue().relativize(p), p);
                        }
                    }
                }
            }
        }
    }

    /** A directory whose entries are kept must be there too, even when a pattern excluded it (an exception inside). */
    private void addParents(String rel, Path directory) {
        int slash = rel.lastIndexOf('/');
        while (slash > 0) {
            String parent = rel.substring(0, slash);
            if (entries.putIfAbsent(parent, directory.resolve(parent)) != null) {
                return;
            }
            slash = parent.lastIndexOf('/');
        }
    }

    /**
     * The sources a COPY/ADD source names: one path, or every path a glob matches.
     *
     * @throws BuildException when the source lies outside the context or nothing matches
     */
    List<Source> resolve(String source, String step) {
        String cleaned = IgnoreMatcher.clean(source.replaceFirst("^/+", ""));
        if (cleaned.equals("..") || cleaned.startsWith("../")) {
            throw new BuildException(step + ": source " + source + " is outside the build context", step, -1, List.of());
        }
        if (cleaned.equals(".")) {
            return List.of(new Source("", null));
        }
        List<Source> matches = new ArrayList<>();
        if (cleaned.matches(".*[*?\\[].*")) {
            Pattern glob = glob(cleaned);
            entries.forEach((path, file) -> {
                if (glob.matcher(path).matches()) {
                    matches.add(new Source(path, file));
                }
            });
        } else if (entries.containsKey(cleaned)) {
            matches.add(new Source(cleaned, entries.get(cleaned)));
        }
        if (matches.isEmpty()) {
            throw new BuildException(step + ": source " + source + " not found in the build context"
                    + " (or excluded by .dockerignore) — check the path, relative to the context", step, -1, List.of());
        }
        return matches;
    }

    /** The entries below {@code source} (a directory; {@code ""} for the whole context), sorted, as relative names. */
    NavigableMap<String, Path> below(String source) {
        if (source.isEmpty()) {
            return entries;
        }
        return entries.subMap(source + "/", true, source + "0", false); // '0' sorts right after '/'
    }

    boolean isDirectory(Source source) {
        return source.path().isEmpty() || Files.isDirectory(source.file(), LinkOption.NOFOLLOW_LINKS);
    }

    /** A hash of the sources' names, types, modes, owners, sizes, link targets and contents; no times. */
    String hash(List<Source> sources) throws IOException {
        MessageDigest sha = dev.stevedore.engine.internal.store.Digest.sha256();
        for (Source source : sources) {
            update(sha, source.path(), source.file());
            if (isDirectory(source)) {
                for (Map.Entry<String, Path> e : below(source.path()).entrySet()) {
                    update(sha, e.getKey(), e.getValue());
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Content hashes of files this JVM read, by path and the identity {@code stat} gives (inode, size, mtime, ctime):
     * an unchanged file is not read again on the next build, as BuildKit's content-hash cache keeps it. Any write
     * moves ctime, so a changed file never matches a stale entry.
     */
    private static final java.util.Map<String, byte[]> CONTENT_HASHES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int TYPE_MASK = 0170000;
    private static final int REGULAR = 0100000;
    private static final int SYMLINK = 0120000;

    private static void update(MessageDigest sha, String name, Path file) throws IOException {
        StringBuilder header = new StringBuilder(name).append('\0');
        byte[] content = null;
        if (file != null) {
            Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,size,ino,ctime,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            header.append(mode).append(' ').append(a.get("uid")).append(' ').append(a.get("gid"));
            if ((mode & TYPE_MASK) == SYMLINK) {
                header.append(" -> ").append(Files.readSymbolicLink(file));
            } else if ((mode & TYPE_MASK) == REGULAR) {
                header.append(' ').append(a.get("size"));
                String identity = file + "\0" + a.get("ino") + "\0" + a.get("size") + "\0" + a.get("lastModifiedTime")
                        + "\0" + a.get("ctime");
                content = CONTENT_HASHES.get(identity);
                if (content == null) {
                    content = contentHash(file);
                    if (CONTENT_HASHES.size() > 100_000) {
                        CONTENT_HASHES.clear(); // a bound, not an eviction policy: rebuilding it costs one read per file
                    }
                    CONTENT_HASHES.put(identity, content);
                }
            }
        }
        sha.update(header.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        if (content != null) {
            sha.update(content);
        }
    }

    private static byte[] contentHash(Path file) throws IOException {
        MessageDigest sha = dev.stevedore.engine.internal.store.Digest.sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return sha.digest();
    }

    /** Go's {@code filepath.Match} as a regular expression over a whole relative path. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '[' -> {
                    int close = pattern.indexOf(']', i + 2);
                    if (close < 0) {
                        regex.append("\\[");
                    } else {
                        String set = pattern.substring(i + 1, close);
                        regex.append('[').append(set.startsWith("^") || set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
                        i = close;
                    }
                }
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
