package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanReaperTest {

    @Test
    void reapsStateWhoseOwnerAndSupervisorAreGoneAndKeepsTheRest(@TempDir Path containers) throws Exception {
        ProcessIdentity me = ProcessIdentity.current();
        ProcessIdentity reusedPid = new ProcessIdentity(me.pid(), me.startTime() + 1);

        Path live = container(containers, "live", me, null);
        Path orphan = container(containers, "orphan", reusedPid, reusedPid);
        Path supervised = container(containers, "supervised", reusedPid, me);
        Path fresh = Files.createDirectories(containers.resolve("fresh"));
        Path stale = Files.createDirectories(containers.resolve("stale"));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));

        assertThat(OrphanReaper.reapOrphans(containers)).containsExactlyInAnyOrder(orphan, stale);
        assertThat(live).exists();
        assertThat(supervised).as("its supervisor still runs").exists();
        assertThat(fresh).as("a JVM may be creating it").exists();
        assertThat(orphan).doesNotExist();
    }

    @Test
    void aReusedPidIsNotTheOwner() {
        ProcessIdentity me = ProcessIdentity.current();

        assertThat(me.isAlive()).isTrue();
        assertThat(new ProcessIdentity(me.pid(), me.startTime() - 1).isAlive()).isFalse();
    }

    private static Path container(Path containers, String name, ProcessIdentity owner, ProcessIdentity supervisor) throws Exception {
        Path dir = Files.createDirectories(containers.resolve(name).resolve("upper/etc"));
        Files.writeString(dir.resolve("x"), "data");
        Path state = containers.resolve(name);
        StateFiles.writeOwner(state, owner);
        if (supervisor != null) {
            StateFiles.write(state.resolve(StateFiles.SUPERVISOR), Map.of("pid", Long.toString(supervisor.pid()),
                    "start", Long.toString(supervisor.startTime()), "container-pid", "1"));
        }
        return state;
    }
}
