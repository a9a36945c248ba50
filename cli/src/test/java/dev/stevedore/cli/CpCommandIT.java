package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stevedore cp} as a user runs it (the packaged command), on the embedded engine and on the test bed's dockerd,
 * each held against what the docker CLI does with the same arguments on dockerd: the same host tree copied in (with and
 * without {@code -a}, renamed, {@code -L}, a tar on stdin) and out again (renamed, into a directory, {@code SRC/.}, a tar
 * on stdout) must give the same files, modes, owners and links.
 */
class CpCommandIT {
    private static String host;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void findTestbed() {
        LocalTestbed testbed = LocalTestbed.load();
        host = "unix://" + testbed.get("DOCKER_SOCKET");
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @Test
    void copiesAsDockersCpDoesOnBothEngines() throws Exception {
        Path tree = scratch.resolve("tree");
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("a.txt"), "alpha\n");
        Files.writeString(tree.resolve("sub/b.sh"), "#!/bin/sh\necho b\n");
        Files.setPosixFilePermissions(tree.resolve("sub/b.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setAttribute(tree.resolve("a.txt"), "unix:uid", 1234);
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
        Files.createLink(tree.resolve("hard.txt"), tree.resolve("a.txt"));
        Path linkToFile = Files.createSymbolicLink(scratch.resolve("followed"), tree.resolve("a.txt"));
        Path stdinTar = scratch.resolve("in.tar");
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(stdinTar))) {
            TarArchiveEntry entry = new TarArchiveEntry("from-stdin.txt");
            byte[] body = "stdin\n".getBytes(StandardCharsets.UTF_8);
            entry.setSize(body.length);
            out.putArchiveEntry(entry);
            out.write(body);
            out.closeArchiveEntry();
        }

        Map<String, Object> byDocker = scenario("docker", tree, linkToFile, stdinTar);
        assertThat(byDocker.get("data")).asString().contains("a.txt 644 1234", "link 777 0 -> a.txt", "sub/b.sh 750 0");
        assertThat(scenario("stevedore-docker", tree, linkToFile, stdinTar)).isEqualTo(byDocker);
        assertThat(scenario("stevedore-embedded", tree, linkToFile, stdinTar)).isEqualTo(byDocker);
    }

    /** The same copies with one client; what came out, described so two clients' results compare. */
    private Map<String, Object> scenario(String client, Path tree, Path linkToFile, Path stdinTar) throws Exception {
        Path out = Files.createDirectories(scratch.resolve(client));
        String container = run(client, null, "create", busybox, "true").out().strip();
        try {
            run(client, null, "cp", "-a", tree.toString(), container + ":/data");
            run(client, null, "cp", tree.toString(), container + ":/plain");
            run(client, null, "cp", "-L", linkToFile.toString(), container + ":/followed.txt");
            run(client, null, "cp", linkToFile.toString(), container + ":/unfollowed");
            run(client, stdinTar, "cp", "-", container + ":/tmp");
            // a destination that is a link to a directory: docker's CLI copies into the directory it leads to
            run(client, linkTar(), "cp", "-", container + ":/tmp");
            run(client, null, "cp", tree.resolve("a.txt").toString(), container + ":/tmp/dirlink");

            run(client, null, "cp", container + ":/data", out.resolve("renamed").toString());
            Files.createDirectories(out.resolve("into"));
            run(client, null, "cp", container + ":/data/sub/b.sh", out.resolve("into").toString() + "/");
            Files.createDirectories(out.resolve("contents"));
            run(client, null, "cp", container + ":/data/.", out.resolve("contents").toString());
            run(client, null, "cp", "-L", container + ":/data/link", out.resolve("link-followed").toString());
            Map<String, Object> seen = new java.util.TreeMap<>();
            seen.put("data", listing(run(client, null, "cp", container + ":/data", "-").outBytes()));
            seen.put("plain", listing(run(client, null, "cp", container + ":/plain", "-").outBytes()));
            seen.put("followed", listing(run(client, null, "cp", container + ":/followed.txt", "-").outBytes()));
            seen.put("unfollowed", listing(run(client, null, "cp", container + ":/unfollowed", "-").outBytes()));
            seen.put("through a link", listing(run(client, null, "cp", container + ":/data/sub", "-").outBytes()));
            seen.put("stdin", listing(run(client, null, "cp", container + ":/tmp/from-stdin.txt", "-").outBytes()));
            seen.put("host", hostListing(out));
            CliRunner.Result missing = client.equals("docker") ? TestbedDocker.run(scratch, host, "cp", container + ":/nonexistent", "x")
                    : new PackagedCli(home, scratch).run(Map.of(), engine(client, "cp", container + ":/nonexistent", out.resolve("x").toString()));
            seen.put("missing exit code", missing.exitCode());
            return seen;
        } finally {
            run(client, null, "rm", "-f", container);
        }
    }

    /** A tar of one link, {@code dirlink -> /data/sub}. */
    private Path linkTar() throws IOException {
        Path tar = scratch.resolve("link.tar");
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarArchiveEntry link = new TarArchiveEntry("dirlink", org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
            link.setLinkName("/data/sub");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        }
        return tar;
    }

    private static String[] engine(String client, String... args) {
        List<String> command = new ArrayList<>(client.equals("stevedore-embedded") ? List.of("--engine", "embedded") : List.of("-H", host));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    private Bytes run(String client, Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (client.equals("docker")) {
            command.addAll(List.of("docker", "--config", scratch.resolve("docker-config").toString(), "-H", host));
            command.addAll(List.of(args));
        } else {
            command.add(Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath().resolveSibling("stevedore").toString());
            command.addAll(List.of(engine(client, args)));
        }
        Path out = Files.createTempFile(scratch, "out", ".bin");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(stdin != null ? stdin.toFile() : new java.io.File("/dev/null")));
        builder.environment().put("STEVEDORE_HOME", home.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("XDG_CACHE_HOME", scratch.resolve("cache").toString());
        Process process = builder.start();
        assertThat(process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("%s %s ended", client, String.join(" ", args)).isTrue();
        assertThat(process.exitValue()).as("%s %s: %s", client, String.join(" ", args), Files.readString(err)).isZero();
        return new Bytes(Files.readAllBytes(out));
    }

    /** Standard output, as bytes (a tar) or text. */
    private record Bytes(byte[] outBytes) {
        String out() {
            return new String(outBytes, StandardCharsets.UTF_8);
        }
    }

    /** Each entry as "name mode uid" (and "-> target" for a link, "=> first" for a hard link, the body's length). */
    private static String listing(byte[] tar) throws IOException {
        TreeSet<String> lines = new TreeSet<>();
        try (TarArchiveInputStream entries = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = entries.getNextTarEntry(); e != null; e = entries.getNextTarEntry()) {
                String name = e.getName().replaceAll("/$", "");
                lines.add(name + " " + Integer.toOctalString(e.getMode() & 07777) + " " + e.getLongUserId()
                        + (e.isSymbolicLink() ? " -> " + e.getLinkName() : "") + (e.isLink() ? " hardlink" : "")
                        + (e.isFile() && !e.isLink() ? " " + e.getSize() + "B" : ""));
            }
        }
        return String.join("\n", lines);
    }

    private static String hostListing(Path root) throws IOException {
        TreeSet<String> lines = new TreeSet<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                lines.add(root.relativize(path) + " " + (Files.isSymbolicLink(path) ? "-> " + Files.readSymbolicLink(path)
                        : mode + " " + uid + (Files.isRegularFile(path) ? " " + Files.size(path) + "B" : "")));
            }
        }
        return String.join("\n", lines);
    }
}
