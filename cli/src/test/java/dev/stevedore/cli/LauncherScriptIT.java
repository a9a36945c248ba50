package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the launcher script ({@code cli/target/stevedore}) keeps in its cache: the JVM's answer to {@code --version}
 * (given back without a JVM later), and a command's class-data archive only from a run that did the command's work.
 * Each test has a cache of its own, so it sees the first runs a new user makes. And what {@code STEVEDORE_TIMING=1}
 * adds: the command's phases on stderr.
 */
class LauncherScriptIT {
    @TempDir
    Path home;
    @TempDir
    Path scratch;
    @TempDir
    Path cache;

    @Test
    void versionIsTheJvmsAnswerKeptForLaterRuns() throws Exception {
        CliRunner.Result first = stevedore(Map.of(), "--version");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).matches("stevedore \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\nJava "
                + java.util.regex.Pattern.quote(System.getProperty("java.version")) + " .*\\n");
        List<Path> kept = cached("-version.txt");
        assertThat(kept).as("the answer kept").hasSize(1);
        assertThat(Files.readString(kept.get(0))).isEqualTo(first.out());

        // the kept answer is what later runs print: marked here, it shows through
        Files.writeString(kept.get(0), first.out() + "(kept)\n");
        CliRunner.Result later = stevedore(Map.of(), "-V");
        CliRunner.Result uncached = stevedore(Map.of("STEVEDORE_CDS", "off"), "--version");

        assertThat(later.exitCode()).as(later.toString()).isZero();
        assertThat(later.out()).isEqualTo(first.out() + "(kept)\n");
        assertThat(uncached.out()).as("STEVEDORE_CDS=off asks the JVM").isEqualTo(first.out());
        assertThat(cached(".partial")).as("nothing half written").isEmpty();
    }

    @Test
    void onlyARunThatDidTheCommandsWorkLeavesItsArchive() throws Exception {
        CliRunner.Result usageError = stevedore(Map.of(), "run");
        CliRunner.Result help = stevedore(Map.of(), "images", "--help");

        assertThat(usageError.exitCode()).as(usageError.toString()).isEqualTo(2);
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(cached(".jsa")).as("a usage error and a help screen load a sliver of their command's classes").isEmpty();

        CliRunner.Result images = stevedore(Map.of(), "images");

        assertThat(images.exitCode()).as(images.toString()).isZero();
        assertThat(cached(".jsa")).singleElement().satisfies(archive ->
                assertThat(archive.getFileName().toString()).endsWith("-images.jsa"));
        assertThat(cached(".partial")).as("nothing half written").isEmpty();
    }

    /** As the docker CLI, whatever the locale: in a C locale Java 17 would print its own dashes and ellipses as '?'. */
    @Test
    void outputIsUtf8InACLocaleToo() throws Exception {
        CliRunner.Result missing = stevedore(Map.of("LANG", "C", "LC_ALL", "C"), "rmi", "no-such-image:1");

        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.err()).contains(" \u2014 ").doesNotContain("?");
    }

    @Test
    void theTimingSwitchAddsThePhasesToStderrAndNothingElse() throws Exception {
        CliRunner.Result plain = stevedore(Map.of(), "images");
        CliRunner.Result timed = stevedore(Map.of("STEVEDORE_TIMING", "1"), "images");

        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        assertThat(plain.err()).as("off, nothing is said").isEmpty();
        assertThat(timed.exitCode()).as(timed.toString()).isZero();
        assertThat(timed.out()).as("what a script reads is the same").isEqualTo(plain.out());
        assertThat(timed.err()).startsWith("stevedore timing (ms since the JVM started, phase length):\n")
                .contains("JVM start up, main() entered", "engine opened", "engine closed", "done, before System.exit")
                .as("a plain command line is read without picocli's model").contains("command line parsed (quick)")
                .doesNotContain("command model built (picocli)");
        assertThat(stevedore(Map.of("STEVEDORE_TIMING", "1"), "images", "--no-such-option").err())
                .as("and any other by picocli").contains("command model built (picocli)", "Unknown option: '--no-such-option'");
    }

    @Test
    void aLinkToTheScriptFindsTheJarBesideTheScript() throws Exception {
        Path launcher = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath()
                .resolveSibling("stevedore");
        Path link = Files.createSymbolicLink(scratch.resolve("stevedore"), launcher);
        ProcessBuilder builder = new ProcessBuilder(link.toString(), "--version").redirectErrorStream(true);
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo(stevedore(Map.of(), "--version").out());
    }

    @Test
    void anArchiveMadeByARunStartedAsDotSlashServesRunsStartedByTheFullPath() throws Exception {
        Path launcher = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath()
                .resolveSibling("stevedore");
        ProcessBuilder builder = new ProcessBuilder("./stevedore", "images").directory(launcher.getParent().toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(Map.of("XDG_CACHE_HOME", cache.toString(), "STEVEDORE_ENGINE", "embedded",
                "STEVEDORE_HOME", home.toString(), "JAVA_HOME", System.getProperty("java.home")));
        Process relative = builder.start();
        String listing = new String(relative.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(relative.waitFor()).as(listing).isZero();
        assertThat(cached("-images.jsa")).as("the archive the first run made").hasSize(1);

        // -Xshare:on: a JVM that cannot map the archive (a class path recorded as ./stevedore.jar) fails to start
        CliRunner.Result absolute = stevedore(Map.of("STEVEDORE_JAVA_OPTS", "-Xshare:on"), "images");

        assertThat(absolute.exitCode()).as(absolute.toString()).isZero();
        assertThat(absolute.out()).isEqualTo(listing);
    }

    @Test
    void aJavaHomePointingNowhereIsSaidSo() throws Exception {
        CliRunner.Result result = stevedore(Map.of("JAVA_HOME", scratch.resolve("no-jdk").toString()), "--version");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(125);
        assertThat(result.err()).contains("JAVA_HOME is " + scratch.resolve("no-jdk"))
                .contains("point JAVA_HOME at a Java 17 or newer installation");
    }

    private CliRunner.Result stevedore(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Map<String, String> withCache = new java.util.HashMap<>(env);
        withCache.put("XDG_CACHE_HOME", cache.toString());
        withCache.put("STEVEDORE_ENGINE", "embedded");
        return new PackagedCli(home, scratch).run(withCache, args);
    }

    private List<Path> cached(String suffix) throws IOException {
        Path archives = cache.resolve("stevedore/cds");
        if (!Files.isDirectory(archives)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(archives)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).toList();
        }
    }
}
