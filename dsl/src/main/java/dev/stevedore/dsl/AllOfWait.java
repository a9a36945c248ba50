package dev.stevedore.dsl;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Ready once each of several strategies is, checked in order within one overall timeout: {@link Wait#allOf}.
 * A strategy's own timeout still limits that strategy. Immutable.
 */
public final class AllOfWait implements WaitStrategy {
    private final List<WaitStrategy> strategies;
    private final Duration timeout;

    AllOfWait(List<WaitStrategy> strategies, Duration timeout) {
        if (strategies.isEmpty()) {
            throw new InvalidDefinitionException("wait for all of", "name at least one strategy");
        }
        this.strategies = List.copyOf(strategies);
        this.timeout = timeout;
    }

    /** The overall timeout. */
    public AllOfWait timeout(Duration value) {
        return new AllOfWait(strategies, value);
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** The strategies, in order. */
    public List<WaitStrategy> strategies() {
        return strategies;
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (WaitStrategy strategy : strategies) {
            Duration remaining = Duration.between(Instant.now(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                throw Waiting.notReady(container, "was not ready within " + Waiting.seconds(timeout), description(),
                        "the time ran out before " + strategy.description(), null, null);
            }
            Duration own = strategy.timeout().orElse(remaining);
            try {
                strategy.waitUntilReady(container, own.compareTo(remaining) < 0 ? own : remaining);
            } catch (ContainerNotReadyException e) {
                if (own.compareTo(remaining) < 0 || !e.getMessage().contains("was not ready within")) {
                    throw e; // its own timeout, or it exited: its message says it right
                }
                // the user set one timeout for all: say that one, not what was left of it for this strategy
                throw new ContainerNotReadyException(e.container(), e.image(), "was not ready within " + Waiting.seconds(timeout),
                        e.awaited(), e.lastLogLines(), e.exitCode().isPresent() ? e.exitCode().getAsInt() : null, e);
            }
        }
    }

    @Override
    public String description() {
        return "all of: " + strategies.stream().map(WaitStrategy::description).collect(Collectors.joining("; "));
    }
}
