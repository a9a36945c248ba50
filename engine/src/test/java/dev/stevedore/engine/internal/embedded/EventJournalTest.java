package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EngineEvent.Action;
import dev.stevedore.engine.EngineEvent.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventJournalTest {
    @TempDir
    Path state;

    private static EngineEvent die(int n) {
        return new EngineEvent(Type.CONTAINER, Action.DIE, "c" + n, Map.of(EngineEvent.EXIT_CODE, Integer.toString(n % 256),
                EngineEvent.NAME, "name-" + n), Instant.ofEpochSecond(1_700_000_000L, n));
    }

    private static JournalTail.UnownedRuns noUnownedRuns() {
        return new JournalTail.UnownedRuns() {
            @Override
            public List<String> running() {
                return List.of();
            }

            @Override
            public Path directory(String id) {
                throw new AssertionError("no unowned runs here");
            }

            @Override
            public Optional<EngineEvent> ended(String id) {
                return Optional.empty();
            }
        };
    }

    @Test
    void anEventSurvivesItsLineUnchanged() throws IOException {
        byte[] line = EventJournal.encode(die(7));

        assertThat(EventJournal.decode(line, 0, line.length).event()).contains(die(7));
    }

    @Test
    void anExecsCommandAfterItsActionSurvivesItsLine() throws IOException {
        EngineEvent exec = new EngineEvent(EngineEvent.Type.CONTAINER, EngineEvent.Action.EXEC_START, "c1",
                Map.of(EngineEvent.EXEC_ID, "e1"), Instant.ofEpochSecond(1_700_000_000L, 5), "sh -c true");
        byte[] line = EventJournal.encode(exec);

        assertThat(EventJournal.decode(line, 0, line.length).event()).hasValueSatisfying(e -> {
            assertThat(e).isEqualTo(exec);
            assertThat(e.dockerAction()).isEqualTo("exec_start: sh -c true");
        });
    }

    @Test
    void anotherEnginesTailGetsEveryEventInOrderAcrossSegments() throws IOException {
        List<EngineEvent> received = new CopyOnWriteArrayList<>();
        int count = 20_000; // about 2.5 segments of 1 MiB
        try (EventJournal writer = new EventJournal(state); EventJournal reader = new EventJournal(state);
             JournalTail ignored = new JournalTail(reader, received::add, noUnownedRuns())) {
            IntStream.range(0, count).forEach(n -> writer.append(die(n)));

            // generous: twenty thousand lines through inotify on a machine shared by many builds
            await().atMost(java.time.Duration.ofMinutes(2)).until(() -> received.size() >= count);
            assertThat(received).containsExactlyElementsOf(IntStream.range(0, count).mapToObj(EventJournalTest::die).toList());
            try (Stream<Path> segments = Files.list(state.resolve("events"))) {
                assertThat(segments.count()).as("segments the writer keeps").isEqualTo(2);
            }
        }
    }

    @Test
    void aTailReadsNeitherItsOwnEnginesEventsNorWhatCameBeforeIt() throws IOException {
        List<EngineEvent> received = new CopyOnWriteArrayList<>();
        try (EventJournal writer = new EventJournal(state); EventJournal reader = new EventJournal(state)) {
            writer.append(die(1)); // before the tail: not delivered
            try (JournalTail ignored = new JournalTail(reader, received::add, noUnownedRuns())) {
                reader.append(die(2)); // the tail's own engine delivers its events itself
                writer.append(die(3));

                await().until(() -> !received.isEmpty());
                assertThat(received).containsExactly(die(3));
            }
        }
    }

    @Test
    void aRunLetGoIsWatchedUntilItsSupervisorWritesTheExit() throws IOException {
        Path container = Files.createDirectories(state.resolve("containers/c9"));
        List<EngineEvent> received = new CopyOnWriteArrayList<>();
        JournalTail.UnownedRuns runs = new JournalTail.UnownedRuns() {
            @Override
            public List<String> running() {
                return List.of();
            }

            @Override
            public Path directory(String id) {
                return state.resolve("containers").resolve(id);
            }

            @Override
            public Optional<EngineEvent> ended(String id) {
                return Files.exists(directory(id).resolve("exit")) ? Optional.of(die(9)) : Optional.empty();
            }
        };
        try (EventJournal writer = new EventJournal(state); EventJournal reader = new EventJournal(state);
             JournalTail ignored = new JournalTail(reader, received::add, runs)) {
            writer.appendDetached("c9");
            writer.append(die(1)); // read after the marker: the watch is in place by then
            await().until(() -> received.contains(die(1)));

            Files.writeString(container.resolve("exit"), "exited 9\n");

            await().until(() -> received.contains(die(9)));
            assertThat(received).containsExactly(die(1), die(9));
        }
    }

    @Test
    void goneEnginesSegmentsAreKeptNewestFirstUpToTheirBudgetWhateverTheirAge() throws IOException {
        Path events = Files.createDirectories(state.resolve("events"));
        long pid = ProcessHandle.current().pid();
        // a process that is gone: this pid with a start time it never had
        java.util.function.IntFunction<Path> gone = n -> events.resolve(pid + "-1-" + n + "-0" + EventJournal.SUFFIX);
        int segments = 6;
        int size = (int) (EventJournal.KEPT_BYTES / 4);
        for (int n = 0; n < segments; n++) {
            Files.write(gone.apply(n), new byte[size]);
            // segment n written n + 2 minutes ago: the newest is the 0th, and even it is past the minute
            Files.setLastModifiedTime(gone.apply(n), java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60L * (n + 2))));
        }
        Path recent = events.resolve(pid + "-1-99-0" + EventJournal.SUFFIX);
        Files.write(recent, new byte[size]);
        EventJournal journal = new EventJournal(state);
        journal.append(die(1));

        journal.sweep();

        assertThat(Files.exists(recent)).as("written within the minute: a reader may be catching up").isTrue();
        // the recent one and the next three fill the budget (4 x a quarter); the older ones go
        for (int n = 0; n < segments; n++) {
            assertThat(Files.exists(gone.apply(n))).as("segment written %d minutes ago", n + 2).isEqualTo(n < 3);
        }
        try (var own = Files.newDirectoryStream(events, "*" + EventJournal.SUFFIX)) {
            assertThat(own).as("this engine's own segment stays").anyMatch(f -> journal.isOwn(f.getFileName().toString()));
        }
        journal.close();
    }
}
