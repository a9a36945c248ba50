package dev.stevedore.engine.internal.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.internal.json.JsonTrees;
import dev.stevedore.engine.internal.json.RecordJson;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This engine's events written where the other engines on the same state directory (other JVMs, or other engines in
 * this one) read them: {@code events/<writer>-<segment>.journal}, one JSON line per event, appended with a single
 * write. Each engine writes files of its own, so writers never contend; a reader follows them with inotify
 * ({@link JournalTail}).
 *
 * <p>A segment ends at {@value #SEGMENT_BYTES} bytes: the writer opens the next one and deletes the one before the
 * last, so a writer keeps at most two. A reader that has a deleted segment open still reads it to its end. Segments
 * of engines whose process is gone are kept, the newest first, up to {@value #KEPT_BYTES} bytes together, and the
 * older ones deleted by the next engine that opens (see {@link #sweep()}).
 */
final class EventJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventJournal.class);
    static final String SUFFIX = ".journal";
    static final long SEGMENT_BYTES = 1 << 20;
    private static final Duration STALE = Duration.ofMinutes(1);
    /** What the segments of gone engines may hold together before the oldest go (see {@link #sweep()}). */
    static final long KEPT_BYTES = 256 * 1024;
    private static final AtomicInteger ENGINES = new AtomicInteger();
    private static final String DETACHED = "detached";

    private final Path directory;
    /** {@code <pid>-<process start>-<engine number>}: unique on the machine while the process lives. */
    private final String writer;
    private FileChannel channel;
    private int segment;
    private long written;
    private boolean closed;

    EventJournal(Path stateDirectory) {
        this.directory = stateDirectory.resolve("events");
        ProcessIdentity self = ProcessIdentity.current();
        this.writer = self.pid() + "-" + self.startTime() + "-" + ENGINES.incrementAndGet();
    }

    Path directory() {
        return directory;
    }

    /** Whether {@code fileName} is a segment this journal writes. */
    boolean isOwn(String fileName) {
        return fileName.startsWith(writer + "-");
    }

    /** Appends {@code event}; a failure is logged (events are a report of what happened, not part of doing it). */
    void append(EngineEvent event) {
        try {
            write(encode(event));
        } catch (IOException e) {
            LOG.warn("cannot write the event {} {} {} to {}: {}", event.type(), event.action(), event.id(), directory,
                    e.toString());
        }
    }

    /**
     * Notes that this engine let go of a running container (kept, it outlives this engine): no engine owns its
     * run any more, so the readers watch its {@code exit} file for its end.
     */
    void appendDetached(String containerId) {
        try {
            write(RecordJson.write(Map.of(DETACHED, containerId)));
        } catch (IOException e) {
            LOG.warn("cannot write to the event journal in {}: {}", directory, e.toString());
        }
    }

    private synchronized void write(byte[] json) throws IOException {
        if (closed) {
            return;
        }
        ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        if (channel == null || written >= SEGMENT_BYTES) {
            nextSegment();
        }
        while (line.hasRemaining()) {
            written += channel.write(line); // one write for a line this short: readers never see two interleave
        }
    }

    private void nextSegment() throws IOException {
        if (channel == null) {
            Files.createDirectories(directory);
        } else {
            channel.close();
            if (segment >= 2) {
                Files.deleteIfExists(segmentFile(segment - 1)); // the one before the segment just closed
            }
        }
        segment++;
        channel = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        written = 0;
    }

    private Path segmentFile(int number) {
        // padded by hand: String.format's first use builds a Formatter and the locale's number symbols, a twentieth
        // of a short-lived CLI process's Java time
        String digits = Integer.toString(number);
        return directory.resolve(writer + "-" + "0".repeat(Math.max(0, 8 - digits.length())) + digits + SUFFIX);
    }

    static byte[] encode(EngineEvent event) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", event.type().name());
        line.put("action", event.action().name());
        line.put("id", event.id());
        line.put("attributes", event.attributes());
        Instant time = event.time();
        line.put("time", time.getEpochSecond() * 1_000_000_000L + time.getNano());
        if (!event.detail().isEmpty()) {
            line.put("detail", event.detail());
        }
        return RecordJson.write(line);
    }

    /** One line of a journal: an event, or the id of a container whose run was let go ({@link #appendDetached}). */
    record Line(Optional<EngineEvent> event, Optional<String> detached) {
    }

    /** The line (without its newline); neither event nor detached for a line this version cannot read. */
    static Line decode(byte[] bytes, int offset, int length) {
        try {
            JsonNode node = JsonTrees.read(bytes, offset, length);
            if (node.has(DETACHED)) {
                return new Line(Optional.empty(), Optional.of(node.get(DETACHED).asText()));
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            node.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
            long nanos = node.path("time").asLong();
            return new Line(Optional.of(new EngineEvent(EngineEvent.Type.valueOf(node.path("type").asText()),
                    EngineEvent.Action.valueOf(node.path("action").asText()), node.path("id").asText(), attributes,
                    Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L),
                    node.path("detail").asText(""))), Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("skipping an unreadable event line: {}", e.toString());
            return new Line(Optional.empty(), Optional.empty());
        }
    }

    /**
     * The events every engine on the state directory wrote from {@code since} to {@code until}, oldest first: what is
     * left of them (each writer keeps its last two segments; a swept writer's are gone).
     */
    java.util.List<EngineEvent> read(Instant since, Instant until) {
        java.util.List<EngineEvent> events = new java.util.ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return events;
        }
        try (var files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // its writer moved on and deleted it
                }
                int start = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n') {
                        decode(bytes, start, i - start).event()
                                .filter(e -> !e.time().isBefore(since) && (until == null || !e.time().isAfter(until)))
                                .ifPresent(events::add);
                        start = i + 1;
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the event journal {}: {}", directory, e.toString());
        }
        events.sort(java.util.Comparator.comparing(EngineEvent::time));
        return events;
    }

    /**
     * Deletes what the journal no longer needs to keep of engines whose process is gone: their segments, newest first,
     * are kept while together they hold less than {@value #KEPT_BYTES} bytes (about a thousand events: dockerd replays
     * its last 256 to {@code --since}, whatever their age), and none is deleted within a minute of its last write (a
     * reader may still be catching up). A CLI command is such an engine: every one writes segments of its own, and a
     * rule by age alone lost the events of commands a minute old to {@code events --since 10m}.
     */
    void sweep() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        Instant old = Instant.now().minus(STALE);
        record Segment(Path file, Instant written, long size) {
        }
        java.util.List<Segment> dead = new java.util.ArrayList<>();
        try (var files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().split("-");
                try {
                    if (parts.length == 4 && !new ProcessIdentity(Long.parseLong(parts[0]), Long.parseLong(parts[1])).isAlive()) {
                        var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
                        dead.add(new Segment(file, attributes.lastModifiedTime().toInstant(), attributes.size()));
                    }
                } catch (IOException | NumberFormatException e) {
                    // someone else swept it, or not a segment of ours
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot sweep the event journal {}: {}", directory, e.toString());
            return;
        }
        dead.sort(java.util.Comparator.comparing(Segment::written).reversed());
        long kept = 0;
        for (Segment segment : dead) {
            if (kept < KEPT_BYTES || !segment.written().isBefore(old)) {
                kept += segment.size();
                continue;
            }
            try {
                Files.deleteIfExists(segment.file());
            } catch (IOException e) {
                // someone else swept it
            }
        }
    }

    /** Stops writing; the segments stay for readers that have not read them yet (see {@link #sweep()}). */
    @Override
    public synchronized void close() {
        closed = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was lost: every append was one write
            }
        }
    }
}
