package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class RuntimeSpecTest {
    private static final Path STATE = Path.of("/var/lib/stevedore/containers/0123456789abcdef");
    private static final List<Path> LAYERS = List.of(Path.of("/layers/base"), Path.of("/layers/top"));

    private static RuntimeSpec.Builder builder(String... args) {
        return RuntimeSpec.builder(STATE, LAYERS, List.of(args));
    }

    @Test
    void defaultsAreDockers() {
        RuntimeSpec spec = builder("true").build();

        assertThat(spec.upperDirectory()).isEqualTo(STATE.resolve("upper"));
        assertThat(spec.rootfs()).isEqualTo(STATE.resolve("rootfs"));
        assertThat(spec.hostname()).isEqualTo("0123456789ab");
        assertThat(spec.capabilities()).as("Docker's 14, MKNOD among them: the device policy refuses the nodes it makes")
                .isEqualTo(Capability.dockerDefaults()).hasSize(14).contains(Capability.MKNOD);
        assertThat(spec.seccomp()).as("Docker's default profile").isNotNull();
        assertThat(spec.maskedPaths()).contains("/proc/kcore", "/sys/firmware");
        assertThat(spec.readonlyPaths()).contains("/proc/sys", "/proc/sysrq-trigger");
        assertThat(spec.shmSizeBytes()).isEqualTo(64L << 20);
        assertThat(spec.noNewPrivileges()).isTrue();
        assertThat(spec.network()).isEqualTo(RuntimeSpec.NetworkMode.NONE_LOOPBACK);
    }

    @Test
    void overlayTakesTheTopLayerFirstAndIsVolatile() {
        assertThat(RuntimeSpec.overlayOptions(LAYERS, Path.of("/u"), Path.of("/w")))
                .isEqualTo("lowerdir=/layers/top:/layers/base,upperdir=/u,workdir=/w,volatile");
    }

    @Test
    void aCommandIsRequired() {
        assertThatThrownBy(() -> RuntimeSpec.builder(STATE, LAYERS, List.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runtime spec for " + STATE + ": no command given: the image has neither Entrypoint nor Cmd "
                        + "and the request named none");
    }

    @Test
    void layerPathsThatOverlayfsCannotCarryAreRejected() {
        assertThatThrownBy(() -> RuntimeSpec.builder(STATE, List.of(Path.of("/layers/a:b")), List.of("true")).build())
                .hasMessageContaining("layer directory /layers/a:b contains ',', ':' or '\\'");
    }

    @Test
    void tooManyLayersForOnePageOfOverlayOptionsAreRejected() {
        List<Path> layers = new ArrayList<>(Collections.nCopies(100, Path.of("/var/lib/stevedore/layers/" + "a".repeat(64))));

        assertThatThrownBy(() -> RuntimeSpec.builder(STATE, layers, List.of("true")).build())
                .hasMessageContaining("100 layers need").hasMessageContaining("the kernel takes 4095");
    }

    @Test
    void mountsOverProcOrRootOrTwiceAreRejected() {
        assertThatThrownBy(() -> builder("true").mount(new RuntimeSpec.Tmpfs("/proc/sys", "")).build())
                .hasMessageContaining("nothing may be mounted over / or /proc");
        assertThatThrownBy(() -> builder("true").mount(new RuntimeSpec.Tmpfs("/data/../etc", "")).build())
                .hasMessageContaining("contains . or ..");
        assertThatThrownBy(() -> builder("true").mount(new RuntimeSpec.Tmpfs("/a", "")).mount(new RuntimeSpec.Tmpfs("/a", "")).build())
                .hasMessageContaining("mount target \"/a\" is used twice");
    }

    @Test
    void idsAndHostnameAreChecked() {
        assertThatThrownBy(() -> builder("true").user(-1, 0, List.of()).build()).hasMessageContaining("uid -1 is outside");
        assertThatThrownBy(() -> builder("true").hostname("bad_name").build()).hasMessageContaining("hostname \"bad_name\"");
        assertThatThrownBy(() -> builder("true").env(List.of("NOVALUE")).build()).hasMessageContaining("\"NOVALUE\" is not KEY=value");
    }

    @Test
    void tmpfsOptionsSplitIntoFlagsAndDataWithDockersDefaults() {
        RuntimeSpec.Tmpfs plain = new RuntimeSpec.Tmpfs("/t", "size=64m,mode=1777");
        RuntimeSpec.Tmpfs exec = new RuntimeSpec.Tmpfs("/t", "exec,ro,size=1m");

        assertThat(plain.flags()).isEqualTo("nosuid,nodev,noexec");
        assertThat(plain.data()).isEqualTo("size=64m,mode=1777");
        assertThat(exec.flags()).isEqualTo("nosuid,nodev,ro");
        assertThat(exec.data()).isEqualTo("size=1m");
    }

    @Test
    void aTmpfsWithDevIsRefusedOnlyWhereNoDevicePolicyWouldStopItsNodes() {
        RuntimeSpec dev = builder("true").mount(new RuntimeSpec.Tmpfs("/x", "size=1m,dev")).build();
        assertThatThrownBy(() -> RuntimeSpecChecks.requireDevicePolicy(dev, false))
                .hasMessageContaining("tmpfs /x with option dev is refused").hasMessageContaining("leave out dev");
        RuntimeSpecChecks.requireDevicePolicy(dev, true);
        RuntimeSpecChecks.requireDevicePolicy(builder("true").mount(new RuntimeSpec.Tmpfs("/x", "size=1m,dev,nodev")).build(), false);
    }

    @Test
    void encodingListsEveryRecordTheLauncherNeeds() throws IOException {
        RuntimeSpec spec = builder("sh", "-c", "echo hi").user(1000, 1000, List.of(27))
                .mount(new RuntimeSpec.Bind(Path.of("/srv/data"), "/data", true))
                .etcFiles(Path.of("/state/hosts"), null, null).build();

        Records.Reader reader = new Records.Reader(new ByteArrayInputStream(spec.encode(Cgroups.Made.NONE)));
        List<Records.Record> records = new ArrayList<>();
        for (Records.Record r = reader.next(); r != null; r = reader.next()) {
            records.add(r);
        }

        assertThat(records).first().isEqualTo(new Records.Record("version", List.of("1")));
        assertThat(records).last().isEqualTo(new Records.Record("end", List.of()));
        assertThat(records).contains(
                new Records.Record("layer", List.of("/layers/base")),
                new Records.Record("arg", List.of("echo hi")),
                new Records.Record("user", List.of("1000", "1000")),
                new Records.Record("group", List.of("27")),
                new Records.Record("bind", List.of("/srv/data", "/data", "ro")),
                new Records.Record("etc", List.of("/state/hosts", "/etc/hosts")),
                new Records.Record("cap", List.of("0")),
                new Records.Record("network", List.of("none")));
        assertThat(records.stream().filter(r -> r.key().equals("cap"))).as("Docker's 14 but MKNOD: no device policy").hasSize(13);
        assertThat(records.stream().map(Records.Record::key).filter("layer"::equals)).hasSize(2);
        assertThat(records).extracting(Records.Record::key).as("no open stdin unless asked").doesNotContain("stdin");
        assertThat(records).filteredOn(r -> r.key().equals("seccomp")).singleElement()
                .satisfies(r -> assertThat(r.fields()).first().isEqualTo("0"))
                .satisfies(r -> assertThat(r.fields().get(1)).isEqualTo(spec.seccomp().program()).hasSizeGreaterThan(16));
    }

    @Test
    void withADeviceProgramTheContainerKeepsMknodAndTheLauncherAttachesIt() throws IOException {
        RuntimeSpec spec = builder("true").build();
        Path group = Path.of("/sys/fs/cgroup/unified/stevedore/c1");

        Records.Reader reader = new Records.Reader(new ByteArrayInputStream(
                spec.encode(new Cgroups.Made(List.of(group), group, Cgroups.DevicePolicy.PROGRAM))));
        List<Records.Record> records = new ArrayList<>();
        for (Records.Record r = reader.next(); r != null; r = reader.next()) {
            records.add(r);
        }

        assertThat(records).contains(new Records.Record("cgroup", List.of(group.toString())),
                new Records.Record("devices-program", List.of(group.toString())),
                new Records.Record("cap", List.of(Integer.toString(Capability.MKNOD.number()))));
    }

    @Test
    void anOpenStdinIsOneRecordInTheSpec() throws IOException {
        RuntimeSpec spec = builder("cat").openStdin(true).build();

        Records.Reader reader = new Records.Reader(new ByteArrayInputStream(spec.encode(Cgroups.Made.NONE)));
        List<Records.Record> records = new ArrayList<>();
        for (Records.Record r = reader.next(); r != null; r = reader.next()) {
            records.add(r);
        }

        assertThat(spec.openStdin()).isTrue();
        assertThat(records).containsOnlyOnce(new Records.Record("stdin", List.of("1")));
    }
}
