package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.LogLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AttachContract} on the embedded engine, with a state directory of its own. */
class EmbeddedAttachContractIT extends AttachContract {
    @TempDir
    static Path state;

    /** What the engine keeps per stream of a {@code none} container for its attaches: 2 files of 1 MiB, each past it by at most one record. */
    private static final long BOUND = 2 * ((1 << 20) + (64 << 10));

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    @Test
    void aContainerLoggingToNoneKeepsWhatItsAttachesReadInBoundedFiles() throws Exception {
        // 8 MiB on stdout and 4 MiB on stderr, lines of 64 bytes, then a last line each; kept, so that its directory is
        // on disk under the state directory
        String line = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde";
        ContainerInfo created = engine.createContainer(busybox("yes " + line + " | head -c 8388608; echo end; "
                + "yes " + line + " | head -c 4194304 >&2; echo errend >&2")
                .label(ContainerSpec.KEEP_LABEL, "true").logConfig(LogConfig.of("none")).build());
        try {
            List<LogLine> attached = startedAttached(created);

            // an attach that keeps up gets every line; one that falls more than the files behind would lose the oldest
            assertThat(attached.stream().filter(l -> l.stream() == LogLine.Stream.STDOUT).map(LogLine::text))
                    .endsWith(line, "end").allMatch(text -> text.equals(line) || text.equals("end"));
            assertThat(attached.stream().filter(l -> l.stream() == LogLine.Stream.STDERR).map(LogLine::text))
                    .endsWith(line, "errend").allMatch(text -> text.equals(line) || text.equals("errend"));
            Path dir = state.resolve("containers").resolve(created.id());
            Map<String, Long> sizes;
            try (Stream<Path> files = Files.list(dir)) {
                sizes = files.filter(f -> f.getFileName().toString().matches("(attach-)?std(out|err)\\.log.*"))
                        .collect(Collectors.toMap(f -> f.getFileName().toString(), EmbeddedAttachContractIT::size));
            }
            assertThat(sizes).as("nothing goes to the logs, which none does not keep").containsOnlyKeys(
                    "attach-stdout.log", "attach-stdout.log.1", "attach-stderr.log", "attach-stderr.log.1");
            assertThat(sizes.get("attach-stdout.log") + sizes.get("attach-stdout.log.1")).isLessThanOrEqualTo(BOUND);
            assertThat(sizes.get("attach-stderr.log") + sizes.get("attach-stderr.log.1")).isLessThanOrEqualTo(BOUND);
        } finally {
            engine.removeContainer(created.id(), true); // a kept container outlives the engine otherwise
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
