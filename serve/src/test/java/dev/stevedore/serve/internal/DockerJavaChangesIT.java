package dev.stevedore.serve.internal;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.ChangeLog;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.ImageHistory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a container changed, through docker-java on serve and on dockerd in the same run: {@code containerDiffCmd},
 * {@code exportContainerCmd}, {@code commitCmd} and the committed image's {@code imageHistoryCmd}, and the events
 * record replayed with {@code since}/{@code until}. serve's answer must be dockerd's.
 */
class DockerJavaChangesIT extends DockerJavaPeers {
    /** Adds a directory and a file, changes /etc/passwd and deletes /bin/ls: each kind of change diff reports. */
    private static final String[] CHANGE = {"sh", "-c", "mkdir /made && echo hi > /made/f && echo x:1:1::/:/bin/sh >> /etc/passwd && rm /bin/ls"};

    @Test
    void diffListsAddedChangedAndDeletedPaths() {
        Map<String, List<String>> diffs = onBoth(client -> {
            String id = create(client, "diff", c -> { }, CHANGE);
            runToEnd(client, id);
            return client.containerDiffCmd(id).exec().stream().map(DockerJavaChangesIT::change).sorted().toList();
        });
        assertThat(diffs.get("serve")).isEqualTo(diffs.get("dockerd")).contains("A /made", "A /made/f", "C /etc/passwd", "D /bin/ls");
    }

    /** With {@code /.dockerenv}: dockerd's init layer is part of the tree an export writes. */
    @Test
    void exportIsTheContainersFilesystemWithItsChanges() {
        Map<String, Map<String, String>> exports = onBoth(client -> {
            String id = create(client, "export", c -> { }, CHANGE);
            runToEnd(client, id);
            Map<String, String> facts = new TreeMap<>();
            try (InputStream in = client.exportContainerCmd(id).exec(); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    String name = e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                    switch (name) {
                        case "made/f" -> facts.put(name, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                        case "bin/ls", "bin/busybox", "made", "etc/hostname" -> facts.put(name, e.isDirectory() ? "dir" : "file");
                        case ".dockerenv" -> facts.put(name, "file of " + e.getSize() + " bytes, mode "
                                + Integer.toOctalString(e.getMode() & 07777) + ", owner " + e.getLongUserId());
                        default -> {
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return facts;
        });
        assertThat(exports.get("serve")).isEqualTo(exports.get("dockerd")).containsEntry("made/f", "hi\n").doesNotContainKey("bin/ls")
                .containsEntry(".dockerenv", "file of 0 bytes, mode 755, owner 0");
    }

    @Test
    void commitMakesAnImageWithTheChangesItsConfigAndAHistoryEntry() {
        Map<String, List<String>> answers = onBoth(client -> {
            String id = create(client, "commit", c -> { }, CHANGE);
            runToEnd(client, id);
            String repository = image("committed");
            String imageId = client.commitCmd(id).withRepository(repository).withTag("latest").withCmd("cat", "/made/f")
                    .withEnv("COMMITTED=yes").withLabels(Map.of("dev.stevedore.test", "commit")).withMessage("a commit message")
                    .withAuthor("stevedore tests").exec();
            InspectImageResponse image = client.inspectImageCmd(imageId).exec();
            List<String> seen = new ArrayList<>();
            seen.add("cmd " + List.of(image.getConfig().getCmd()));
            seen.add("env has COMMITTED " + List.of(image.getConfig().getEnv()).contains("COMMITTED=yes"));
            seen.add("labels " + image.getConfig().getLabels());
            seen.add("comment " + image.getComment());
            seen.add("author " + image.getAuthor());
            seen.add("runs " + runToEnd(client, create(client, "from-commit", c -> c.withImage(repository + ":latest"))));
            List<ImageHistory> history = client.imageHistoryCmd(repository + ":latest").exec();
            List<ImageHistory> base = client.imageHistoryCmd(busybox).exec();
            seen.add("history grew by " + (history.size() - base.size()));
            seen.add("top entry: comment " + history.get(0).getComment() + ", tags " + history.get(0).getTags()
                    .stream().map(t -> t.replace(prefix, "P-")).toList() + ", sized " + (history.get(0).getSize() > 0));
            return seen;
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd")).contains("runs hi\n", "history grew by 1", "author stevedore tests");
    }

    @Test
    void eventsReplayedSinceUntilListTheContainersActions() {
        Map<String, List<String>> actions = onBoth(client -> {
            Instant since = Instant.now();
            String id = create(client, "events", c -> { }, "sleep", "600");
            client.startContainerCmd(id).exec();
            client.killContainerCmd(id).exec();
            client.removeContainerCmd(id).exec();
            // until is past (by now) and since before the first: the whole record replays, then the stream ends
            Instant until = Instant.now();
            List<String> seen = new CopyOnWriteArrayList<>();
            try {
                client.eventsCmd().withSince(seconds(since)).withUntil(seconds(until)).withContainerFilter(id)
                        .exec(new ResultCallback.Adapter<Event>() {
                            @Override
                            public void onNext(Event event) {
                                seen.add(event.getType().getValue() + " " + event.getAction()
                                        + (event.getActor().getAttributes().containsKey("signal") ? " signal=" + event.getActor().getAttributes().get("signal") : ""));
                            }
                        }).awaitCompletion(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return seen;
        });
        assertThat(actions.get("serve")).isEqualTo(actions.get("dockerd"))
                .contains("container create", "container start", "container kill signal=9", "container die", "container destroy");
    }

    /** Docker's {@code seconds.nanoseconds} time form, which docker-java passes through as given. */
    private static String seconds(Instant time) {
        return time.getEpochSecond() + "." + String.format("%09d", time.getNano());
    }

    private static String change(ChangeLog change) {
        return switch (change.getKind()) {
            case 0 -> "C";
            case 1 -> "A";
            case 2 -> "D";
            default -> "?" + change.getKind();
        } + " " + change.getPath();
    }
}
