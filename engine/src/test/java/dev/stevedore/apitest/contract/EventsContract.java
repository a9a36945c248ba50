package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EngineEvent.Action;
import dev.stevedore.engine.EngineEvent.Type;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.VolumeSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The engine's event feed: every short-lived container's end is reported with its exit code, none missed; a
 * container's life comes as create, start, die, destroy in that order; networks, volumes and images report theirs;
 * a closed subscription hears nothing more.
 *
 * <p>Runs on both engines ({@code EmbeddedEventsContractIT}, {@code DockerEventsContractIT}).
 */
public abstract class EventsContract extends EngineContract {
    private static final int SHORT_LIVED = 100;

    /** Every event a subscription got, in order. */
    private static final class Recorder implements AutoCloseable {
        final List<EngineEvent> events = new CopyOnWriteArrayList<>();
        final EventSubscription subscription;

        Recorder(dev.stevedore.engine.ContainerEngine engine) {
            subscription = engine.events(events::add);
        }

        List<EngineEvent> about(String id) {
            return events.stream().filter(e -> e.id().equals(id)).toList();
        }

        List<Action> actions(Type type, String id) {
            return events.stream().filter(e -> e.type() == type && e.id().equals(id)).map(EngineEvent::action).toList();
        }

        void awaitEvent(Predicate<EngineEvent> wanted, String what) {
            await(what).atMost(PATIENCE).until(() -> events.stream().anyMatch(wanted));
        }

        @Override
        public void close() {
            subscription.close();
        }
    }

    @Test
    // a hundred container starts on a loaded machine's dockerd take longer than the default
    @Timeout(value = 360, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hundredShortLivedContainersGiveHundredDieEventsWithTheirExitCodes() throws Exception {
        Map<String, Integer> dieCodes = new ConcurrentHashMap<>();
        Map<String, Integer> dieCount = new ConcurrentHashMap<>();
        Map<String, Integer> expected = new ConcurrentHashMap<>();
        try (EventSubscription ignored = engine.events(e -> {
            if (e.isContainer(Action.DIE)) {
                dieCodes.put(e.id(), e.exitCode().orElse(-1));
                dieCount.merge(e.id(), 1, Integer::sum);
            }
        })) {
            ExecutorService runners = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < SHORT_LIVED; i++) {
                    int code = i % 64;
                    runs.add(runners.submit(() -> {
                        // as docker run --rm: created, started, and gone once it ends
                        ContainerInfo created = engine.createContainer(busybox("exit " + code).autoRemove(true).build());
                        expected.put(created.id(), code);
                        engine.startContainer(created.id());
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                runners.shutdown();
            }
            await("a die event for each of the " + SHORT_LIVED + " containers").atMost(PATIENCE)
                    .until(() -> dieCodes.keySet().containsAll(expected.keySet()));
            assertThat(expected).hasSize(SHORT_LIVED);
            assertThat(dieCodes).as("exit codes in the die events").containsAllEntriesOf(expected);
            assertThat(dieCount).as("die events per container").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        }
    }

    @Test
    void aContainersLifeComesAsCreateStartDieDestroyInOrder() {
        try (Recorder recorder = new Recorder(engine)) {
            String name = uniqueName("events-life");
            ContainerInfo container = engine.createContainer(busybox("exit 3").name(name).build());
            engine.startContainer(container.id());
            assertThat(exited(container.id()).exitCode()).isEqualTo(3);
            engine.removeContainer(container.id(), false);

            recorder.awaitEvent(e -> e.isContainer(Action.DESTROY) && e.id().equals(container.id()), "its destroy event");
            assertThat(recorder.actions(Type.CONTAINER, container.id()))
                    .containsExactly(Action.CREATE, Action.START, Action.DIE, Action.DESTROY);
            List<EngineEvent> events = recorder.about(container.id());
            assertThat(events).allSatisfy(e -> assertThat(e.attributes()).containsEntry(EngineEvent.NAME, name));
            assertThat(events.get(2).exitCode()).hasValue(3);
            assertThat(events).extracting(EngineEvent::time).isSorted();
        }
    }

    @Test
    void networksReportCreateConnectDisconnectAndDestroy() {
        try (Recorder recorder = new Recorder(engine)) {
            NetworkInfo network = engine.createNetwork(NetworkSpec.named(uniqueName("events-net")));
            // a running one: dockerd reports a connect when the container joins, not when its settings change
            ContainerInfo container = started(busybox("sleep 60"));
            engine.connectNetwork(network.id(), container.id(), List.of());
            engine.disconnectNetwork(network.id(), container.id());
            engine.removeContainer(container.id(), true);
            engine.removeNetwork(network.id());

            recorder.awaitEvent(e -> e.type() == Type.NETWORK && e.action() == Action.DESTROY
                    && e.id().equals(network.id()), "the network's destroy event");
            // dockerd may report a disconnect twice (the API call, and the endpoint leaving)
            assertThat(recorder.actions(Type.NETWORK, network.id()))
                    .startsWith(Action.CREATE).endsWith(Action.DESTROY)
                    .containsSubsequence(Action.CREATE, Action.CONNECT, Action.DISCONNECT, Action.DESTROY)
                    .doesNotContainSequence(Action.DISCONNECT, Action.CONNECT);
            assertThat(recorder.about(network.id())).filteredOn(e -> e.action() == Action.CONNECT).singleElement()
                    .satisfies(e -> assertThat(e.attributes()).containsEntry(EngineEvent.CONTAINER, container.id()));
        }
    }

    @Test
    void aRunConnectsAndMountsBeforeItsStartAndDisconnectsAndUnmountsAfterItsDie() {
        try (Recorder recorder = new Recorder(engine)) {
            NetworkInfo network = engine.createNetwork(NetworkSpec.named(uniqueName("events-run-net")));
            String volume = uniqueName("events-run-vol");
            engine.createVolume(VolumeSpec.named(volume));
            ContainerInfo container = started(busybox("sleep 60").networkMode(network.name())
                    .mount(Mount.volume(volume, "/data", false)));
            engine.stopContainer(container.id(), java.time.Duration.ofSeconds(1));
            engine.removeContainer(container.id(), false);
            engine.removeNetwork(network.id());
            engine.removeVolume(volume, false);

            recorder.awaitEvent(e -> e.type() == Type.VOLUME && e.action() == Action.DESTROY && e.id().equals(volume),
                    "the volume's destroy event");
            List<EngineEvent> run = recorder.events.stream().filter(e -> e.id().equals(container.id())
                    || e.id().equals(volume) || e.id().equals(network.id())).toList();
            List<String> order = run.stream().map(e -> e.type() + " " + e.action()).toList();
            // dockerd mounts again for each copy and may report a disconnect twice: the order is what counts
            assertThat(order).containsSubsequence("NETWORK CONNECT", "CONTAINER START", "CONTAINER DIE",
                    "NETWORK DISCONNECT", "CONTAINER DESTROY");
            assertThat(order).containsSubsequence("VOLUME MOUNT", "CONTAINER START", "CONTAINER DIE", "VOLUME UNMOUNT",
                    "VOLUME DESTROY");
            assertThat(run).filteredOn(e -> e.action() == Action.MOUNT).first().satisfies(e -> assertThat(e.attributes())
                    .containsEntry(EngineEvent.CONTAINER, container.id()).containsEntry("destination", "/data")
                    .containsEntry("read/write", "true").containsEntry("driver", "local"));
            assertThat(run).filteredOn(e -> e.action() == Action.CONNECT).first().satisfies(e -> assertThat(e.attributes())
                    .containsEntry(EngineEvent.CONTAINER, container.id()).containsEntry(EngineEvent.NAME, network.name())
                    .containsEntry("type", "bridge"));
        }
    }

    @Test
    void execsCopiesTopExportAndRestartAreReportedAsDockerNamesThem() throws Exception {
        try (Recorder recorder = new Recorder(engine)) {
            ContainerInfo container = started(busybox("sleep 60"));
            engine.exec(container.id(), ExecSpec.of("sh", "-c", "exit 3"));
            engine.top(container.id(), null);
            try (java.io.InputStream archive = engine.copyFromContainer(container.id(), "/etc/hostname")) {
                archive.readAllBytes();
            }
            try (java.io.InputStream archive = engine.export(container.id())) {
                archive.transferTo(java.io.OutputStream.nullOutputStream());
            }
            engine.restartContainer(container.id(), java.time.Duration.ofSeconds(1));
            engine.removeContainer(container.id(), true);

            recorder.awaitEvent(e -> e.isContainer(Action.DESTROY) && e.id().equals(container.id()), "its destroy event");
            List<EngineEvent> events = recorder.about(container.id());
            assertThat(events).extracting(EngineEvent::dockerAction).containsSubsequence("exec_create: sh -c exit 3",
                    "exec_start: sh -c exit 3", "exec_die", "top", "archive-path", "export", "start", "restart");
            EngineEvent execDie = events.stream().filter(e -> e.action() == Action.EXEC_DIE).findFirst().orElseThrow();
            assertThat(execDie.exitCode()).hasValue(3);
            assertThat(execDie.attributes().get(EngineEvent.EXEC_ID)).isNotBlank().isEqualTo(events.stream()
                    .filter(e -> e.action() == Action.EXEC_CREATE).findFirst().orElseThrow().attributes().get(EngineEvent.EXEC_ID));
        }
    }

    @Test
    void anAttachIsRecordedWithTheContainersNameImageAndLabels() {
        try (Recorder recorder = new Recorder(engine)) {
            String name = uniqueName("events-attach");
            ContainerInfo container = engine.createContainer(busybox("true").name(name).build());

            engine.recordAttach(container.id());

            recorder.awaitEvent(e -> e.isContainer(Action.ATTACH) && e.id().equals(container.id()), "its attach event");
            EngineEvent attach = recorder.about(container.id()).stream().filter(e -> e.action() == Action.ATTACH)
                    .findFirst().orElseThrow();
            // as dockerd writes it: container attach ID (image=..., name=..., and the labels)
            assertThat(attach.dockerAction()).isEqualTo("attach");
            assertThat(attach.attributes()).containsEntry(EngineEvent.NAME, name)
                    .containsEntry(EngineEvent.IMAGE, busyboxImage()).containsEntry(RUN_LABEL, run);
            engine.removeContainer(container.id(), true);
        }
    }

    @Test
    void anAttachToAContainerThatIsNotThereIsNotFound() {
        assertThatThrownBy(() -> engine.recordAttach(uniqueName("missing")))
                .isInstanceOf(dev.stevedore.engine.ContainerNotFoundException.class);
    }

    @Test
    void volumesReportCreateAndDestroy() {
        try (Recorder recorder = new Recorder(engine)) {
            String name = uniqueName("events-vol");
            engine.createVolume(VolumeSpec.named(name));
            engine.removeVolume(name, false);

            recorder.awaitEvent(e -> e.type() == Type.VOLUME && e.action() == Action.DESTROY && e.id().equals(name),
                    "the volume's destroy event");
            assertThat(recorder.actions(Type.VOLUME, name)).containsExactly(Action.CREATE, Action.DESTROY);
        }
    }

    @Test
    void imagesReportTagAndUntag() {
        engine.pull(busyboxImage());
        ImageReference target = ImageReference.parse(busyboxImage().replace(":latest", ":" + uniqueName("events")));
        try (Recorder recorder = new Recorder(engine)) {
            engine.tag(ImageReference.parse(busyboxImage()), target);
            engine.removeImage(target);

            recorder.awaitEvent(e -> e.type() == Type.IMAGE && e.action() == Action.UNTAG, "the untag event");
            List<EngineEvent> images = recorder.events.stream().filter(e -> e.type() == Type.IMAGE).toList();
            assertThat(images).extracting(EngineEvent::action).containsSubsequence(Action.TAG, Action.UNTAG);
            assertThat(images).filteredOn(e -> e.action() == Action.TAG)
                    .allSatisfy(e -> assertThat(e.attributes().get(EngineEvent.NAME)).contains(target.tag()));
            String imageId = engine.image(ImageReference.parse(busyboxImage())).orElseThrow().id();
            assertThat(images).allSatisfy(e -> assertThat(e.id()).isEqualTo(imageId));
        }
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() {
        List<EngineEvent> afterClose = new CopyOnWriteArrayList<>();
        EventSubscription closed = engine.events(afterClose::add);
        closed.close();
        closed.close(); // twice is harmless
        try (Recorder open = new Recorder(engine)) {
            ContainerInfo container = engine.createContainer(busybox("true").build());
            engine.removeContainer(container.id(), false);
            open.awaitEvent(e -> e.isContainer(Action.DESTROY) && e.id().equals(container.id()), "its destroy event");
        }
        assertThat(afterClose).isEmpty();
    }
}
