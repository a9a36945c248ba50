package dev.stevedore.dsl;

import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Ready once the image's {@code HEALTHCHECK} command succeeds, run inside the container by the DSL: {@link Wait#healthCheck}.
 * Immutable.
 *
 * <p>The engine API reports no health status, so the DSL runs the check itself, as often as it polls and not
 * at the image's interval; one success is enough (the image's retries do not matter for readiness).
 * {@code CMD-SHELL} checks run with {@code /bin/sh -c}.
 */
public final class HealthCheckWait implements WaitStrategy {
    private static final Duration DEFAULT_CHECK_LIMIT = Duration.ofSeconds(30);

    private final Duration timeout;

    HealthCheckWait(Duration timeout) {
        this.timeout = timeout;
    }

    /** Its own timeout. */
    public HealthCheckWait timeout(Duration value) {
        return new HealthCheckWait(value);
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        ImageConfig.Healthcheck check = healthcheck(container);
        List<String> command = command(check);
        if (command == null) {
            throw Waiting.notReady(container, "cannot be health-checked", description(),
                    "its image declares no HEALTHCHECK (or HEALTHCHECK NONE); wait with Wait.command(...) instead", null, null);
        }
        Duration limit = check.timeout() == null || check.timeout().isZero() ? DEFAULT_CHECK_LIMIT : check.timeout();
        Waiting.until(container, timeout, description() + ": " + String.join(" ", command),
                observed -> CommandWait.succeeds(container, command, limit, observed));
    }

    private static ImageConfig.Healthcheck healthcheck(ContainerHandle container) {
        Optional<Image> image = container.engine().image(ImageReference.parse(container.image()));
        return image.map(i -> i.config().healthcheck()).orElse(null);
    }

    /** The command a HEALTHCHECK runs, or {@code null} when there is none. */
    static List<String> command(ImageConfig.Healthcheck check) {
        if (check == null || check.test().isEmpty()) {
            return null;
        }
        List<String> test = check.test();
        switch (test.get(0)) {
            case "CMD":
                return test.size() > 1 ? List.copyOf(test.subList(1, test.size())) : null;
            case "CMD-SHELL":
                return test.size() > 1 ? List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size()))) : null;
            case "NONE":
                return null;
            default:
                // Docker reads a bare list as CMD-SHELL with the words joined
                return List.of("/bin/sh", "-c", String.join(" ", test));
        }
    }

    @Override
    public String description() {
        return "the image's health check to pass";
    }
}
