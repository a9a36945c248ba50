package dev.stevedore.serve.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Statistics;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container controls of #17 through docker-java, on serve and on dockerd in the same run: compressed archive
 * copies, rename, pause/unpause, one-shot and streaming stats, update, kill, and the exception docker-java throws for
 * each error class (404 on every route for a missing container, 409, 304). serve's answer must be dockerd's.
 */
class DockerJavaControlsIT extends DockerJavaPeers {

    @Test
    void copyArchiveToContainerTakesPlainGzipBzip2AndXzTars() {
        Map<String, Map<String, String>> copied = onBoth(client -> {
            String id = runSleeping(client, "archive");
            Map<String, String> readBack = new LinkedHashMap<>();
            for (String compression : List.of("plain", "gzip", "bzip2", "xz")) {
                String file = "in-" + compression + ".txt";
                byte[] tar = tar(file, "copied as " + compression + "\n".repeat(compression.equals("xz") ? 5000 : 1), compression);
                client.copyArchiveToContainerCmd(id).withTarInputStream(new ByteArrayInputStream(tar)).withRemotePath("/tmp").exec();
                try (InputStream back = client.copyArchiveFromContainerCmd(id, "/tmp/" + file).exec()) {
                    readBack.put(compression, untarOne(back));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return readBack;
        });
        assertThat(copied.get("serve")).isEqualTo(copied.get("dockerd")).hasSize(4).containsEntry("gzip", "in-gzip.txt: copied as gzip\n");
    }

    @Test
    void renameIsSeenByInspectAndATakenNameIsAConflict() {
        Map<String, List<String>> answers = onBoth(client -> {
            String id = runSleeping(client, "rename-from");
            runSleeping(client, "rename-taken");
            List<String> seen = new ArrayList<>();
            client.renameContainerCmd(id).withName(container("rename-to")).exec();
            seen.add(client.inspectContainerCmd(id).exec().getName().replace(prefix, "P-"));
            seen.add(failure(() -> client.renameContainerCmd(id).withName(prefix + "rename-taken").exec()));
            seen.add(failure(() -> client.inspectContainerCmd(prefix + "rename-from").exec()));
            return seen;
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd")).containsExactly(
                "/P-rename-to", "ConflictException 409", "NotFoundException 404");
    }

    @Test
    void pauseAndUnpauseShowInInspect() {
        Map<String, List<String>> states = onBoth(client -> {
            String id = runSleeping(client, "pause");
            List<String> seen = new ArrayList<>();
            client.pauseContainerCmd(id).exec();
            seen.add(state(client.inspectContainerCmd(id).exec()));
            seen.add(failure(() -> client.pauseContainerCmd(id).exec()));
            client.unpauseContainerCmd(id).exec();
            seen.add(state(client.inspectContainerCmd(id).exec()));
            seen.add(failure(() -> client.unpauseContainerCmd(id).exec()));
            return seen;
        });
        assertThat(states.get("serve")).isEqualTo(states.get("dockerd"))
                .startsWith("paused running=true paused=true", "ConflictException 409", "running running=true paused=false");
    }

    @Test
    void statsOneShotAndStreamingCarryDockersFigures() {
        Map<String, List<String>> facts = onBoth(client -> {
            String id = runSleeping(client, "stats");
            List<String> seen = new ArrayList<>();
            Statistics once = stats(client, id, true, 1).get(0);
            seen.add("one-shot " + figures(once));
            List<Statistics> stream = stats(client, id, false, 3);
            seen.add("streamed " + stream.size() + " " + figures(stream.get(2)));
            // each streamed document's "pre" figures are the one before's: docker stats computes the CPU % from them
            seen.add("preCpu follows " + stream.get(2).getPreCpuStats().getCpuUsage().getTotalUsage()
                    .equals(stream.get(1).getCpuStats().getCpuUsage().getTotalUsage()));
            return seen;
        });
        assertThat(facts.get("serve")).isEqualTo(facts.get("dockerd"));
    }

    @Test
    void updateChangesLimitsAndRestartPolicyAsInspectShows() {
        Map<String, String> answers = onBoth(client -> {
            String id = runSleeping(client, "update");
            // dockerd wants the swap allowance with a first memory limit (409 otherwise); -1 is "no swap limit"
            client.updateContainerCmd(id).withMemory(96L * 1024 * 1024).withMemorySwap(-1L).withRestartPolicy(RestartPolicy.unlessStoppedRestart()).exec();
            InspectContainerResponse after = client.inspectContainerCmd(id).exec();
            return after.getHostConfig().getMemory() + " " + after.getHostConfig().getRestartPolicy().getName();
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd")).isEqualTo("100663296 unless-stopped");
    }

    /** A swap allowance with a memory limit changes as dockerd changes it (#17). */
    @Test
    void updateChangesTheSwapAllowanceAsDockerdDoes() {
        Map<String, String> answers = onBoth(client -> {
            String id = runSleeping(client, "update-swap");
            client.updateContainerCmd(id).withMemory(96L * 1024 * 1024).withMemorySwap(192L * 1024 * 1024).exec();
            InspectContainerResponse after = client.inspectContainerCmd(id).exec();
            return after.getHostConfig().getMemory() + " " + after.getHostConfig().getMemorySwap();
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd")).isEqualTo("100663296 201326592");
    }

    @Test
    void killReturnsOnceTheContainerNoLongerRuns() {
        Map<String, String> answers = onBoth(client -> {
            String id = runSleeping(client, "kill");
            client.killContainerCmd(id).exec();
            return state(client.inspectContainerCmd(id).exec()) + " exit=" + client.inspectContainerCmd(id).exec().getState().getExitCodeLong();
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd")).isEqualTo("exited running=false paused=false exit=137");
    }

    @Test
    void everyCallOnAMissingContainerThrowsNotFound() {
        String missing = prefix + "missing";
        Map<String, Function<DockerClient, Object>> calls = new LinkedHashMap<>();
        calls.put("inspect", c -> c.inspectContainerCmd(missing).exec());
        calls.put("start", c -> c.startContainerCmd(missing).exec());
        calls.put("stop", c -> c.stopContainerCmd(missing).exec());
        calls.put("restart", c -> c.restartContainerCmd(missing).exec());
        calls.put("kill", c -> c.killContainerCmd(missing).exec());
        calls.put("pause", c -> c.pauseContainerCmd(missing).exec());
        calls.put("unpause", c -> c.unpauseContainerCmd(missing).exec());
        calls.put("rename", c -> c.renameContainerCmd(missing).withName(prefix + "never").exec());
        calls.put("update", c -> c.updateContainerCmd(missing).withMemory(64L * 1024 * 1024).exec());
        calls.put("remove", c -> c.removeContainerCmd(missing).exec());
        calls.put("top", c -> c.topContainerCmd(missing).exec());
        calls.put("diff", c -> c.containerDiffCmd(missing).exec());
        calls.put("export", c -> c.exportContainerCmd(missing).exec());
        calls.put("commit", c -> c.commitCmd(missing).exec());
        calls.put("copyTo", c -> c.copyArchiveToContainerCmd(missing).withTarInputStream(new ByteArrayInputStream(tar("f", "x", "plain")))
                .withRemotePath("/tmp").exec());
        calls.put("copyFrom", c -> c.copyArchiveFromContainerCmd(missing, "/etc/hostname").exec());
        calls.put("resize", c -> c.resizeContainerCmd(missing).withSize(24, 80).exec());
        calls.put("execCreate", c -> c.execCreateCmd(missing).withCmd("true").exec());
        calls.put("wait", c -> c.waitContainerCmd(missing).start().awaitStatusCode(1, TimeUnit.MINUTES));
        calls.put("logs", c -> logs(c, missing));
        calls.put("stats", c -> stats(c, missing, true, 1));
        Map<String, Map<String, String>> answers = onBoth(client -> {
            Map<String, String> thrown = new LinkedHashMap<>();
            calls.forEach((name, call) -> thrown.put(name, failure(() -> call.apply(client))));
            return thrown;
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd"));
        assertThat(answers.get("serve").values()).allMatch(thrown -> thrown.equals("NotFoundException 404"));
    }

    @Test
    void conflictsAndNotModifiedAreDockersExceptions() {
        Map<String, List<String>> answers = onBoth(client -> {
            String id = runSleeping(client, "codes");
            List<String> seen = new ArrayList<>();
            seen.add("start started: " + failure(() -> client.startContainerCmd(id).exec()));
            seen.add("remove running: " + failure(() -> client.removeContainerCmd(id).exec()));
            seen.add("create same name: " + failure(() -> client.createContainerCmd(busybox).withName(prefix + "codes").exec()));
            client.stopContainerCmd(id).withTimeout(0).exec();
            seen.add("stop stopped: " + failure(() -> client.stopContainerCmd(id).withTimeout(0).exec()));
            seen.add("kill stopped: " + failure(() -> client.killContainerCmd(id).exec()));
            seen.add("pause stopped: " + failure(() -> client.pauseContainerCmd(id).exec()));
            return seen;
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd"));
        assertThat(answers.get("serve")).first().isEqualTo("start started: NotModifiedException 304");
    }

    /** The docker-java exception a call throws, with its status; {@code none} when it succeeds. */
    static String failure(Runnable call) {
        try {
            call.run();
            return "none";
        } catch (DockerException e) {
            return e.getClass().getSimpleName() + " " + e.getHttpStatus();
        }
    }

    private static String state(InspectContainerResponse inspect) {
        return inspect.getState().getStatus() + " running=" + inspect.getState().getRunning() + " paused=" + inspect.getState().getPaused();
    }

    /** The figures docker stats shows, as present or not (their values differ between any two containers). */
    private static String figures(Statistics s) {
        return "read=" + (s.getRead() != null) + " cpu=" + (s.getCpuStats().getCpuUsage().getTotalUsage() > 0)
                + " onlineCpus=" + (s.getCpuStats().getOnlineCpus() != null && s.getCpuStats().getOnlineCpus() > 0)
                + " systemCpu=" + (s.getCpuStats().getSystemCpuUsage() != null && s.getCpuStats().getSystemCpuUsage() > 0)
                + " memory=" + (s.getMemoryStats().getUsage() != null && s.getMemoryStats().getUsage() > 0)
                + " limit=" + (s.getMemoryStats().getLimit() != null && s.getMemoryStats().getLimit() > 0)
                + " pids=" + s.getPidsStats().getCurrent()
                + " networks=" + (s.getNetworks() == null ? null : s.getNetworks().keySet());
    }

    private static List<Statistics> stats(DockerClient client, String id, boolean oneShot, int count) {
        List<Statistics> received = new CopyOnWriteArrayList<>();
        try (ResultCallback.Adapter<Statistics> callback = client.statsCmd(id).withNoStream(oneShot).exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Statistics statistics) {
                received.add(statistics);
                if (received.size() >= count) {
                    try {
                        close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        })) {
            callback.awaitCompletion(2, TimeUnit.MINUTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(received).as("stats documents of " + id).hasSizeGreaterThanOrEqualTo(count);
        return received;
    }

    /** A tar holding {@code name} with {@code content}, compressed as {@code compression} says. */
    static byte[] tar(String name, String content, String compression) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            try (OutputStream compressed = switch (compression) {
                case "gzip" -> new GzipCompressorOutputStream(bytes);
                case "bzip2" -> new BZip2CompressorOutputStream(bytes);
                case "xz" -> new XZCompressorOutputStream(bytes);
                default -> bytes;
            }; TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed)) {
                byte[] data = content.getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(data.length);
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String untarOne(InputStream in) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry entry = tar.getNextEntry();
        assertThat(entry).as("an entry in the archive read back").isNotNull();
        return entry.getName() + ": " + new String(tar.readAllBytes(), StandardCharsets.UTF_8);
    }
}
