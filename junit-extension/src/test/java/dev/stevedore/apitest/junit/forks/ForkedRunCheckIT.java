package dev.stevedore.apitest.junit.forks;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks, after the forked run has ended (its own Failsafe execution, after the one with {@code forkCount=2}), what
 * its JVMs recorded and what they left: every test ran, in more than one JVM; each JVM started its JVM-wide container
 * once; each class had one container of its own; and no container of the run remains.
 */
class ForkedRunCheckIT {
    private static final List<String> CLASSES = List.of("OneForkIT", "TwoForkIT", "ThreeForkIT", "FourForkIT");

    /** One line a test of the forked run wrote. */
    record Line(long pid, String testClass, String test, String jvmWide, String perClass) {
    }

    private static List<Line> lines;

    @BeforeAll
    static void readTheRecords() throws IOException {
        Path records = ForkRun.records();
        assertThat(records).as("the forked run's records (did the forks-* execution run?)").isDirectory();
        lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(records)) {
            for (Path file : files.sorted().toList()) {
                long pid = Long.parseLong(file.getFileName().toString().replace(".txt", ""));
                for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] f = text.split(" ");
                    lines.add(new Line(pid, f[0], f[1], f[2], f[3]));
                }
            }
        }
    }

    @Test
    void everyTestRanOnceAndTheRunWasSpreadOverTwoJvms() {
        assertThat(lines).extracting(l -> l.testClass() + "." + l.test()).containsExactlyInAnyOrderElementsOf(
                CLASSES.stream().flatMap(c -> Stream.of(c + ".first", c + ".second")).toList());
        assertThat(lines.stream().map(Line::pid).distinct()).as("fork JVMs that ran tests").hasSize(2);
    }

    @Test
    void eachJvmStartedItsJvmWideContainerOnce() {
        Map<Long, Set<String>> byJvm = lines.stream().collect(groupingBy(Line::pid, mapping(Line::jvmWide, toSet())));

        assertThat(byJvm.values()).as("JVM-wide container ids seen by each JVM's tests").allSatisfy(ids -> assertThat(ids).hasSize(1));
        assertThat(byJvm.values().stream().flatMap(Set::stream).distinct()).as("one container per JVM, not shared across JVMs")
                .hasSize(byJvm.size());
    }

    @Test
    void eachClassHadOneContainerOfItsOwn() {
        Map<String, Set<String>> byClass = lines.stream().collect(groupingBy(Line::testClass, mapping(Line::perClass, toSet())));

        assertThat(byClass.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        assertThat(byClass.values().stream().flatMap(Set::stream).distinct()).hasSize(CLASSES.size());
        assertThat(lines).as("a class's container is never the JVM-wide one")
                .noneMatch(l -> l.perClass().equals(l.jvmWide()));
    }

    @Test
    void nothingOfTheRunIsLeft() {
        assertThat(ForkRun.leftovers()).as("containers labelled %s=%s after the forked JVMs ended", ForkRun.RUN_LABEL, ForkRun.run())
                .isEmpty();
    }
}
