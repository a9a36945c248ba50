package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link PrivilegedContract} on the rootless embedded engine (an ordinary user): the capabilities are those of the
 * user's namespace, where its root holds every capability the kernel knows, and the host's nodes the user may open
 * are there. Without privileged, Docker's defaults but MKNOD (no device policy for an ordinary user).
 */
class RootlessPrivilegedContractIT extends PrivilegedContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    @Override
    protected String privilegedCapabilities() throws IOException {
        // by lines: a read of a whole /proc/sys file as one string may get its first byte only
        int last = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap")).get(0).strip());
        return String.format("%016x", (1L << (last + 1)) - 1);
    }

    @Override
    protected String defaultCapabilities() {
        return "00000000a00425fb";
    }
}
