package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Against this JVM's own pid namespace: the execs a "container" whose first process is this JVM would have. */
class ContainerProcessesTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void anExecIsFoundByTheEnvironmentItAdded() throws IOException, InterruptedException {
        String marker = "STEVEDORE_TEST_MARK=" + System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "sleep 30 & wait");
        builder.environment().put("STEVEDORE_TEST_MARK", marker.substring(marker.indexOf('=') + 1));
        Process shell = builder.start();
        try {
            long found = 0;
            for (int i = 0; i < 200 && found == 0; i++) {
                found = ContainerProcesses.execPid(SELF, List.of(marker));
                if (found == 0) {
                    Thread.onSpinWait();
                }
            }

            assertThat(found).as("the topmost process with the marker: the shell, not its sleep").isEqualTo(shell.pid());
            assertThat(ContainerProcesses.execPid(SELF, List.of())).isZero();
            assertThat(ContainerProcesses.execPid(SELF, List.of("NO_SUCH_ENTRY=1"))).isZero();
        } finally {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly().waitFor();
        }
    }
}
