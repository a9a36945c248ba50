package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.EngineEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Follows the event journals of the other engines on a state directory ({@link EventJournal}): a thread that sleeps
 * in the JDK's watch service (inotify on Linux) and, whenever a segment is created or written, reads what was
 * appended and hands on each whole line. Segments that exist when it opens are read from their end: what happened
 * before the subscription is not delivered.
 *
 * <p>A run no engine owns (a kept container whose engine closed, or whose JVM died) has nobody to report its end: the
 * tail watches the directories of such runs (those found when it opens, and those a journal says were let go) for
 * the {@code exit} file their supervisor writes, and reports the {@code DIE} itself. The run's native watcher
 * ({@link KeptWatchers}) journals that die too, for the record: whichever of the two comes first is sent, once.
 */
final class JournalTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalTail.class);

    private final EventJournal journal;
    private final Consumer<EngineEvent> sink;
    private final WatchService watcher;
    /** By file name, so one writer's segments are read in their order. */
    private final Map<String, Segment> segments = new TreeMap<>();
    private final Thread thread;
    private final UnownedRuns unowned;
    private final WatchKey journalKey;
    /** The watched directories of unowned runs, to the container's id. */
    private final Map<WatchKey, String> runKeys = new java.util.HashMap<>();
    /** Containers whose end this tail reported from their exit file: their watcher's journaled die is not sent again. */
    private final java.util.Set<String> endsReported = new java.util.HashSet<>();

    /** The runs no engine owns, as the container service sees them. */
    interface UnownedRuns {
        /** Containers whose state says running while no live engine owns the run. */
        java.util.List<String> running();

        /** Where the container's supervisor writes its {@code exit} file. */
        Path directory(String id);

        /** The container's {@code DIE} once its supervisor recorded the exit; empty before. */
        java.util.Optional<EngineEvent> ended(String id);
    }

    private static final class Segment {
        final FileChannel channel;
        final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Segment(FileChannel channel) {
            this.channel = channel;
        }
    }

    /** Starts following; what other engines write from when this returns is delivered to {@code sink}. */
    JournalTail(EventJournal journal, Consumer<EngineEvent> sink, UnownedRuns unowned) throws IOException {
        this.journal = journal;
        this.sink = sink;
        this.unowned = unowned;
        Path directory = journal.directory();
        Files.createDirectories(directory);
        this.watcher = directory.getFileSystem().newWatchService();
        // watch first, then list: a segment created in between is seen twice, never missed
        journalKey = directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        try (var files = Files.newDirectoryStream(directory, "*" + EventJournal.SUFFIX)) {
            for (Path file : files) {
                open(file.getFileName().toString(), true);
            }
        }
        for (String id : unowned.running()) {
            watchRun(id);
        }
        this.thread = new Thread(this::follow, "stevedore-event-journal");
        thread.setDaemon(true);
        thread.start();
    }

    private void open(String name, boolean fromEnd) {
        if (segments.containsKey(name) || journal.isOwn(name) || !name.endsWith(EventJournal.SUFFIX)) {
            return;
        }
        try {
            FileChannel channel = FileChannel.open(journal.directory().resolve(name), StandardOpenOption.READ);
            if (fromEnd) {
                channel.position(channel.size());
            }
            segments.put(name, new Segment(channel));
        } catch (NoSuchFileException e) {
            // swept meanwhile
        } catch (IOException e) {
            LOG.warn("cannot read the event journal {}: {}", name, e.toString());
        }
    }

    /** Watches an unowned run's directory for its exit file; reports the end at once if it is there already. */
    private void watchRun(String id) {
        if (runKeys.containsValue(id)) {
            return;
        }
        try {
            WatchKey key = unowned.directory(id).register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            runKeys.put(key, id);
            runEvent(key);
        } catch (NoSuchFileException e) {
            // removed meanwhile
        } catch (IOException e) {
            LOG.warn("cannot watch container {} for its end: {}", id, e.toString());
        }
    }

    private void runEvent(WatchKey key) {
        String id = runKeys.get(key);
        java.util.Optional<EngineEvent> died = unowned.ended(id);
        if (died.isPresent() || !key.isValid()) {
            key.cancel();
            runKeys.remove(key);
            died.ifPresent(event -> {
                endsReported.add(id);
                sink.accept(event);
            });
        }
    }

    private void follow() {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            for (;;) {
                WatchKey key = watcher.take();
                if (key != journalKey) {
                    key.pollEvents();
                    key.reset();
                    if (runKeys.containsKey(key)) {
                        runEvent(key);
                    }
                    continue;
                }
                java.util.List<String> deleted = new java.util.ArrayList<>();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        continue; // every open segment is read below anyway
                    }
                    String name = event.context().toString();
                    if (event.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
                        deleted.add(name);
                    } else {
                        open(name, false);
                    }
                }
                key.reset();
                for (Map.Entry<String, Segment> e : segments.entrySet()) {
                    read(e.getKey(), e.getValue(), buffer);
                }
                for (String name : deleted) {
                    Segment gone = segments.remove(name);
                    if (gone != null) {
                        gone.channel.close();
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (IOException e) {
            LOG.warn("stopped following the event journals in {}: {}", journal.directory(), e.toString());
        }
    }

    private void read(String name, Segment segment, ByteBuffer buffer) {
        try {
            for (;;) {
                buffer.clear();
                int n = segment.channel.read(buffer);
                if (n <= 0) {
                    return;
                }
                byte[] bytes = buffer.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    if (segment.partial.size() > 0) {
                        segment.partial.write(bytes, start, i - start);
                        byte[] line = segment.partial.toByteArray();
                        segment.partial.reset();
                        deliver(EventJournal.decode(line, 0, line.length));
                    } else {
                        deliver(EventJournal.decode(bytes, start, i - start));
                    }
                    start = i + 1;
                }
                // a line being written right now: its rest comes with the next read
                segment.partial.write(bytes, start, n - start);
            }
        } catch (IOException e) {
            LOG.warn("cannot read the event journal {}: {}", name, e.toString());
        }
    }

    private void deliver(EventJournal.Line line) {
        line.event().filter(this::firstReport).ifPresent(sink);
        line.detached().ifPresent(this::watchRun);
    }

    /** False for the journaled die of an unowned run this tail reported already; ends the watch of one it had not. */
    private boolean firstReport(EngineEvent event) {
        if (event.type() != EngineEvent.Type.CONTAINER || event.action() != EngineEvent.Action.DIE) {
            return true;
        }
        if (endsReported.remove(event.id())) {
            return false;
        }
        runKeys.entrySet().removeIf(e -> {
            boolean same = e.getValue().equals(event.id());
            if (same) {
                e.getKey().cancel();
            }
            return same;
        });
        return true;
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // closing
        }
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Segment segment : segments.values()) {
            try {
                segment.channel.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
