package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EventsContract} on the embedded engine, with a state directory of its own; and what only the embedded engine
 * has to do itself: the events of containers that another JVM runs on the same state directory reach this JVM's
 * subscription (through the state directory's event journal), every die with its exit code; and the end of a kept
 * container whose engine has closed (nobody owns its run) is reported too.
 */
class EmbeddedEventsContractIT extends EventsContract {
    private static final int OTHER_JVM_CONTAINERS = 30;

    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    @Test
    void containersOfAnotherJvmReportTheirEndsHere() throws Exception {
        engine.pull(busyboxImage()); // the other JVM finds it in the shared store
        Map<String, Integer> dieCodes = new ConcurrentHashMap<>();
        Map<String, Integer> started = new ConcurrentHashMap<>();
        try (EventSubscription ignored = engine.events(e -> {
            if (e.isContainer(EngineEvent.Action.DIE)) {
                dieCodes.put(e.id(), e.exitCode().orElse(-1));
            } else if (e.isContainer(EngineEvent.Action.START)) {
                started.put(e.id(), 0);
            }
        })) {
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OtherJvmContainers.class.getName(), state.toString(),
                    busyboxImage(), Integer.toString(OTHER_JVM_CONTAINERS), run)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Map<String, Integer> expected = new ConcurrentHashMap<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] idAndCode = line.split(" ");
                    expected.put(idAndCode[0], Integer.parseInt(idAndCode[1]));
                }
            }
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).as("the other JVM ended").isTrue();
            assertThat(other.exitValue()).as("the other JVM's exit code").isZero();
            assertThat(expected).hasSize(OTHER_JVM_CONTAINERS);

            await("die events of the other JVM's containers").atMost(PATIENCE)
                    .until(() -> dieCodes.keySet().containsAll(expected.keySet()));
            assertThat(dieCodes).containsAllEntriesOf(expected);
            assertThat(started).containsKeys(expected.keySet().toArray(String[]::new));
        }
    }

    @Test
    void aKeptContainerWhoseEngineClosedReportsItsEnd() {
        Map<String, Integer> dieCodes = new ConcurrentHashMap<>();
        String id;
        try (EventSubscription ignored = engine.events(e -> {
            if (e.isContainer(EngineEvent.Action.DIE)) {
                dieCodes.put(e.id(), e.exitCode().orElse(-1));
            }
        })) {
            try (ContainerEngine other = openEngine()) {
                id = other.runContainer(busybox("sleep 2; exit 7").label(ContainerSpec.KEEP_LABEL, "true").build()).id();
            } // the other engine lets go of the kept container, which goes on running
            assertThat(engine.inspectContainer(id).state().running()).as("the kept container after its engine closed").isTrue();

            await("the kept container's die event").atMost(PATIENCE).until(() -> dieCodes.containsKey(id));
            assertThat(dieCodes).containsEntry(id, 7);
        }
        engine.removeContainer(id, true);
    }
}
