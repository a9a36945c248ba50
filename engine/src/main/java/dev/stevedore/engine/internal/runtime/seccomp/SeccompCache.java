package dev.stevedore.engine.internal.runtime.seccomp;

import dev.stevedore.engine.internal.store.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Compiled seccomp programs kept in a directory across JVMs ({@code STATE/seccomp/<key>.bpf}), so that a short-lived
 * JVM (one {@code stevedore run}) neither parses a profile's JSON nor compiles it. The key is a SHA-256 of everything
 * the compile reads: the profile's text, the capabilities, the architecture, the kernel version, and the compiler
 * itself (the jar it comes in, by path, size and time, or the bytes of its classes and of the syscall table outside
 * a jar), so a kept program is never stale. A file that does not
 * read back as this class writes it (truncated, corrupt, another format, another key) is compiled again and replaced;
 * files are written under a temporary name and moved into place, so a concurrent reader sees all of one or none.
 */
final class SeccompCache {
    private static final String FORMAT = "stevedore-seccomp-bpf 1";

    private SeccompCache() {
    }

    /**
     * The program kept in {@code directory} under {@code keyText}, or {@code compile}'s, kept there for the next JVM.
     * Without a compiler identity (classes not readable as resources) nothing is kept.
     */
    static SeccompFilter get(Path directory, String keyText, Supplier<SeccompFilter> compile) {
        String compiler = Compiler.IDENTITY;
        if (compiler == null) {
            return compile.get();
        }
        String key = sha256(compiler + "\n" + keyText);
        Path file = directory.resolve(key + ".bpf");
        SeccompFilter kept = read(file, key);
        if (kept != null) {
            return kept;
        }
        SeccompFilter compiled = compile.get();
        write(directory, file, key, compiled);
        return compiled;
    }

    /** The program in {@code file}, or null when there is none or it is not one this class wrote for {@code key}. */
    static SeccompFilter read(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            if (lines.size() != 6 || !lines.get(0).equals(FORMAT) || !lines.get(1).equals(key)
                    || !lines.get(5).equals(sha256(String.join("\n", lines.subList(0, 5))))) {
                return null;
            }
            return new SeccompFilter(lines.get(4), Integer.parseInt(lines.get(2)), lines.get(3));
        } catch (IOException | RuntimeException e) {
            return null; // missing, unreadable or malformed: compiled again
        }
    }

    private static void write(Path directory, Path file, String key, SeccompFilter filter) {
        List<String> lines = new ArrayList<>(List.of(FORMAT, key, Integer.toString(filter.flags()), filter.describe(),
                filter.program()));
        lines.add(sha256(String.join("\n", lines)));
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, key, ".partial");
            Files.write(temp, lines, StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            // a state directory that cannot take the file only costs the next JVM a compile
            try {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException ignored) {
                // nothing more to undo
            }
        }
    }

    /** Through {@link Sha256}: a key and a check at every start, where the JCA's start would cost more than both. */
    static String sha256(String text) {
        return HexFormat.of().formatHex(Sha256.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /**
     * What the compiler is, worked out once per JVM. From a jar (the engine's, or the CLI's jar with it inside), the
     * jar's path, size and modification time, as the JVM keys its own class-data archives: any rebuild gives a new
     * identity, and reading nothing costs nothing, where digesting the classes' and tables' bytes out of a 20 MB jar
     * cost a short-lived {@code stevedore run} ~70 ms. From a directory of classes (a build's, a test's) the bytes are
     * digested, as a directory changes file by file.
     */
    private static final class Compiler {
        static final String IDENTITY = identity();

        private static String identity() {
            Path location = null;
            try {
                java.security.CodeSource source = SeccompCache.class.getProtectionDomain().getCodeSource();
                location = source == null ? null : Path.of(source.getLocation().toURI());
            } catch (java.net.URISyntaxException | RuntimeException e) {
                // no readable code source: the bytes decide
            }
            return SeccompCache.identity(location);
        }
    }

    /** The compiler's identity when its classes come from {@code location} (a jar, a directory, or null: unknown). */
    static String identity(Path location) {
        if (location != null && Files.isRegularFile(location)) {
            try {
                return "jar " + location.toAbsolutePath() + " " + Files.size(location) + " "
                        + Files.getLastModifiedTime(location).toMillis();
            } catch (IOException e) {
                // unreadable now: the bytes decide
            }
        }
        return digestOfBytes();
    }

    private static String digestOfBytes() {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> top : List.of(SeccompCompiler.class, SeccompProfile.class, SeccompFilter.class, SyscallTable.class)) {
            classes.add(top);
            classes.addAll(List.of(top.getDeclaredClasses()));
        }
        MessageDigest digest = digest();
        try {
            for (Class<?> c : classes) {
                digest.update(resource(c.getName().substring(c.getPackageName().length() + 1) + ".class"));
            }
            digest.update(resource("syscalls-x86_64.txt"));
            digest.update(resource("syscalls-aarch64.txt"));
            digest.update(resource("default.json"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SeccompCache.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
