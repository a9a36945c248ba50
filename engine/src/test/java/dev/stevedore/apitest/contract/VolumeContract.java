package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeInUseException;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeNotFoundException;
import dev.stevedore.engine.VolumeSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Named volumes: created (by name, or with a generated one), listed with label filters, inspected, data kept
 * from one container to the next, removal refused while a container (even an exited one) mounts the volume and
 * done once it is gone, a missing volume a {@link VolumeNotFoundException} (no error with force), and
 * {@code --volumes-from}: another container's volume and bind mounts at their destinations, each keeping its mode
 * unless {@code :ro} makes it read-only. Anonymous volumes ({@code docker run -v /data}) as Docker keeps them: a
 * generated name in inspect and {@code volume ls}, kept by a removal without volumes, removed by one with volumes
 * unless another container still mounts them.
 *
 * <p>Runs on both engines and through {@code stevedore serve} ({@code EmbeddedVolumeContractIT},
 * {@code DockerVolumeContractIT}, {@code ServeVolumeContractIT}). Left open on purpose: whether a volume
 * outlives the engine (the Docker backend removes the volumes its session created when it closes; the
 * embedded engine keeps them in its state directory) and what the mountpoint is.
 */
public abstract class VolumeContract extends EngineContract {
    private static final String LABEL = "dev.stevedore.contract.volume";

    @Test
    void createdVolumeIsInspectedAndListedByLabel() {
        String name = uniqueName("vol");

        VolumeInfo created = engine.createVolume(new VolumeSpec(name, Map.of(LABEL, run)));

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.labels()).containsEntry(LABEL, run);
        assertThat(engine.inspectVolume(name).labels()).containsEntry(LABEL, run);
        assertThat(engine.volumes(Map.of(LABEL, run))).extracting(VolumeInfo::name).contains(name);
        assertThat(engine.volumes(Map.of(LABEL, "another-run"))).extracting(VolumeInfo::name).doesNotContain(name);
        assertThat(engine.volumes()).extracting(VolumeInfo::name).contains(name);
    }

    @Test
    void creatingAnExistingNameReturnsTheVolumeAsItIs() {
        String name = uniqueName("vol");
        engine.createVolume(new VolumeSpec(name, Map.of(LABEL, run)));

        VolumeInfo again = engine.createVolume(new VolumeSpec(name, Map.of(LABEL, "other")));

        assertThat(again.name()).isEqualTo(name);
        assertThat(again.labels()).containsEntry(LABEL, run);
        assertThat(engine.volumes()).extracting(VolumeInfo::name).filteredOn(name::equals).hasSize(1);
    }

    @Test
    void volumeWithoutANameGetsAGeneratedOne() {
        VolumeInfo created = engine.createVolume(VolumeSpec.generated(Map.of(LABEL, run)));

        assertThat(created.name()).matches("[0-9a-f]{64}");
        assertThat(engine.inspectVolume(created.name()).name()).isEqualTo(created.name());
        engine.removeVolume(created.name(), false);
    }

    @Test
    void dataIsKeptFromOneContainerToTheNext() {
        String name = uniqueName("data");
        engine.createVolume(VolumeSpec.named(name));
        ContainerInfo writer = started(busybox("echo kept-$((6*7)) > /data/file").mount(Mount.volume(name, "/data", false)));
        assertThat(exited(writer.id()).exitCode()).isZero();

        ContainerInfo reader = started(busybox("cat /data/file").mount(Mount.volume(name, "/data", true)));

        assertThat(exited(reader.id()).exitCode()).isZero();
        assertThat(logTexts(reader.id())).containsExactly("kept-42");
        engine.removeContainer(writer.id(), true);
        engine.removeContainer(reader.id(), true);
        engine.removeVolume(name, false);
    }

    @Test
    void removalIsRefusedWhileAnExitedContainerMountsTheVolumeAndDoneAfter() {
        String name = uniqueName("used");
        ContainerInfo user = started(busybox("echo x > /v/x").mount(Mount.volume(name, "/v", false)));
        exited(user.id());
        assertThat(engine.volumes()).extracting(VolumeInfo::name).as("a volume made by a container's mount").contains(name);

        assertThatThrownBy(() -> engine.removeVolume(name, false)).isInstanceOf(VolumeInUseException.class)
                .hasMessageContaining(name).satisfies(e -> assertThat(((VolumeInUseException) e).volume()).isEqualTo(name));
        assertThatThrownBy(() -> engine.removeVolume(name, true)).as("force does not remove a volume in use")
                .isInstanceOf(VolumeInUseException.class);
        assertThat(engine.inspectVolume(name).name()).isEqualTo(name);

        engine.removeContainer(user.id(), false);
        engine.removeVolume(name, false);

        assertThat(engine.volumes()).extracting(VolumeInfo::name).doesNotContain(name);
        assertThatThrownBy(() -> engine.inspectVolume(name)).isInstanceOf(VolumeNotFoundException.class);
    }

    @Test
    void removedVolumeStartsEmptyWhenMadeAgain() {
        String name = uniqueName("again");
        engine.createVolume(VolumeSpec.named(name));
        ContainerInfo writer = started(busybox("echo old > /v/old").mount(Mount.volume(name, "/v", false)));
        exited(writer.id());
        engine.removeContainer(writer.id(), false);
        engine.removeVolume(name, false);

        engine.createVolume(VolumeSpec.named(name));
        ContainerInfo lister = started(busybox("ls -A /v | wc -l").mount(Mount.volume(name, "/v", false)));

        exited(lister.id());
        assertThat(logTexts(lister.id())).extracting(String::trim).containsExactly("0");
        engine.removeContainer(lister.id(), false);
        engine.removeVolume(name, false);
    }

    @Test
    void unknownVolumeIsNotFoundUnlessForced() {
        String name = uniqueName("never");

        assertThatThrownBy(() -> engine.inspectVolume(name)).isInstanceOf(VolumeNotFoundException.class)
                .hasMessageContaining(name);
        assertThatThrownBy(() -> engine.removeVolume(name, false)).isInstanceOf(VolumeNotFoundException.class)
                .satisfies(e -> assertThat(((VolumeNotFoundException) e).volume()).isEqualTo(name));
        engine.removeVolume(name, true);
    }

    @Test
    void volumesFromGivesAnotherContainersVolumesAndBindsAtTheirDestinations() throws IOException {
        String name = uniqueName("shared");
        Path bound = Files.createTempDirectory("volumes-from", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x"))); // rootless engines read it as another user
        Files.writeString(bound.resolve("file"), "from-bind\n");
        ContainerInfo source = started(busybox("echo from-volume > /v/file")
                .mount(Mount.volume(name, "/v", false)).mount(Mount.bind(bound.toString(), "/b", true)));
        assertThat(exited(source.id()).exitCode()).isZero();

        ContainerInfo reader = started(busybox("cat /v/file /b/file; touch /v/new && echo v-writable;"
                + " touch /b/new 2>/dev/null || echo b-read-only").volumesFrom(source.name()));
        ContainerInfo readOnly = started(busybox("cat /v/file; touch /v/other 2>/dev/null || echo v-read-only")
                .volumesFrom(source.id() + ":ro"));

        exited(reader.id());
        exited(readOnly.id());
        assertThat(logTexts(reader.id())).containsExactly("from-volume", "from-bind", "v-writable", "b-read-only");
        assertThat(logTexts(readOnly.id())).containsExactly("from-volume", "v-read-only");
        assertThat(engine.inspectContainer(reader.id()).spec().volumesFrom()).as("inspect echoes the request")
                .containsExactly(source.name());
        assertThat(engine.inspectContainer(readOnly.id()).spec().volumesFrom()).containsExactly(source.id() + ":ro");
        assertThat(engine.inspectContainer(reader.id()).mounts()).as("the mounts it got")
                .containsExactlyInAnyOrder(Mount.volume(name, "/v", false), Mount.bind(bound.toString(), "/b", true));
        assertThat(engine.inspectContainer(readOnly.id()).mounts())
                .containsExactlyInAnyOrder(Mount.volume(name, "/v", true), Mount.bind(bound.toString(), "/b", true));
        engine.removeContainer(source.id(), false);
        assertThatThrownBy(() -> engine.removeVolume(name, false)).as("the volume is in use by those that got it")
                .isInstanceOf(VolumeInUseException.class);
        engine.removeContainer(reader.id(), false);
        engine.removeContainer(readOnly.id(), false);
        engine.removeVolume(name, false);
        Files.delete(bound.resolve("file"));
        Files.delete(bound);
    }

    @Test
    void volumesFromAMissingContainerIsNotFound() {
        String missing = uniqueName("missing");

        assertThatThrownBy(() -> engine.createContainer(busybox("true").volumesFrom(missing).build()))
                .isInstanceOf(ContainerNotFoundException.class).hasMessageContaining(missing);
    }

    @Test
    void anAnonymousVolumeHasAGeneratedNameAndOutlivesARemovalWithoutVolumes() {
        ContainerInfo writer = started(busybox("echo kept > /data/file").mount(Mount.volume("", "/data", false)));
        assertThat(exited(writer.id()).exitCode()).isZero();
        String name = anonymousVolume(writer.id(), "/data");
        assertThat(engine.volumes()).extracting(VolumeInfo::name).contains(name);
        assertThat(engine.inspectVolume(name).name()).isEqualTo(name);

        engine.removeContainer(writer.id(), false, false);

        assertThat(engine.volumes()).extracting(VolumeInfo::name).as("docker rm without -v keeps it").contains(name);
        ContainerInfo reader = started(busybox("cat /data/file").mount(Mount.volume(name, "/data", true)));
        exited(reader.id());
        assertThat(logTexts(reader.id())).containsExactly("kept");
        engine.removeContainer(reader.id(), false, true);
        assertThat(engine.volumes()).extracting(VolumeInfo::name).as("mounted by its name: not anonymous to the reader")
                .contains(name);
        engine.removeVolume(name, false);
    }

    @Test
    void aRemovalWithVolumesRemovesTheAnonymousOnesButNotTheNamed() {
        Instant since = Instant.now().minusSeconds(1);
        String named = uniqueName("named");
        ContainerInfo user = started(busybox("true").mount(Mount.volume("", "/anonymous", false))
                .mount(Mount.volume(named, "/named", false)));
        exited(user.id());
        String anonymous = anonymousVolume(user.id(), "/anonymous");

        engine.removeContainer(user.id(), false, true);

        assertThat(engine.volumes()).extracting(VolumeInfo::name).contains(named).doesNotContain(anonymous);
        assertThatThrownBy(() -> engine.inspectVolume(anonymous)).isInstanceOf(VolumeNotFoundException.class);
        engine.removeVolume(named, false);
        await().atMost(PATIENCE).until(() -> volumeActions(since, anonymous).contains(EngineEvent.Action.DESTROY));
        assertThat(volumeActions(since, anonymous)).as("dockerd's events of an anonymous volume").containsExactly(
                EngineEvent.Action.CREATE, EngineEvent.Action.MOUNT, EngineEvent.Action.UNMOUNT, EngineEvent.Action.DESTROY);
    }

    private List<EngineEvent.Action> volumeActions(Instant since, String volume) {
        return engine.pastEvents(since, Instant.now()).stream()
                .filter(e -> e.type() == EngineEvent.Type.VOLUME && e.id().equals(volume)).map(EngineEvent::action).toList();
    }

    @Test
    void anAnonymousVolumeStaysWhileAContainerThatGotItWithVolumesFromIsThere() {
        ContainerInfo source = started(busybox("echo shared > /data/file").mount(Mount.volume("", "/data", false)));
        exited(source.id());
        String name = anonymousVolume(source.id(), "/data");
        String reader = engine.createContainer(busybox("cat /data/file").volumesFrom(source.id()).build()).id();

        engine.removeContainer(source.id(), false, true);

        assertThat(engine.volumes()).extracting(VolumeInfo::name).as("in use by the reader").contains(name);
        engine.startContainer(reader);
        exited(reader);
        assertThat(logTexts(reader)).containsExactly("shared");
        assertThat(anonymousVolume(reader, "/data")).isEqualTo(name);
        engine.removeContainer(reader, false, true);
        assertThat(engine.volumes()).extracting(VolumeInfo::name).as("its last user removed with volumes").doesNotContain(name);
    }

    /** The generated name of the container's anonymous volume at {@code target}, as inspect shows it. */
    private String anonymousVolume(String container, String target) {
        Mount mount = engine.inspectContainer(container).mounts().stream().filter(m -> m.target().equals(target))
                .findFirst().orElseThrow(() -> new AssertionError("no mount on " + target + " in " + container));
        assertThat(mount.type()).isEqualTo(Mount.Type.VOLUME);
        assertThat(mount.source()).as("a generated name, as Docker's").matches("[0-9a-f]{64}");
        return mount.source();
    }
}
