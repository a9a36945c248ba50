package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerState;
import java.time.Duration;
import java.util.List;

/**
 * Ready once the container has exited with status 0: a compose service that others depend on with
 * {@code service_completed_successfully} (a migration, a seed job). It waits on the engine's own wait for the exit,
 * not by polling.
 */
final class CompletionWait implements WaitStrategy {

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        ContainerState state;
        try {
            state = container.engine().waitContainer(container.id(), timeout);
        } catch (RuntimeException e) {
            throw Waiting.notReady(container, "did not finish: " + e.getMessage(), description(), "", null, e);
        }
        if (state.status() != ContainerState.Status.EXITED) {
            throw Waiting.notReady(container, "did not finish within " + Waiting.seconds(timeout), description(),
                    "status " + state.status(), null, null);
        }
        if (state.exitCode() != 0) {
            List<String> last = container.lastLogLines(5);
            throw Waiting.notReady(container, "exited with code " + state.exitCode(), description(),
                    String.join(" | ", last), state.exitCode(), null);
        }
    }

    @Override
    public String description() {
        return "it to exit with status 0";
    }
}
