package dev.stevedore.dsl;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ready once log lines matching a regular expression were logged {@link #times(int) n times}: {@link Wait#logMessage}.
 * Immutable.
 */
public final class LogMessageWait implements WaitStrategy {
    private final Pattern pattern;
    private final int times;
    private final Duration timeout;

    LogMessageWait(String regex, int times, Duration timeout) {
        Objects.requireNonNull(regex, "regex");
        try {
            this.pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidDefinitionException("wait for log message /" + regex + "/", "not a regular expression: "
                    + e.getDescription(), e);
        }
        if (times < 1) {
            throw new InvalidDefinitionException("wait for log message /" + regex + "/", "times must be at least 1, not " + times);
        }
        this.times = times;
        this.timeout = timeout;
    }

    /** Waits for the n-th matching line instead of the first. */
    public LogMessageWait times(int count) {
        return new LogMessageWait(pattern.pattern(), count, timeout);
    }

    /** Its own timeout. */
    public LogMessageWait timeout(Duration value) {
        return new LogMessageWait(pattern.pattern(), times, value);
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        AtomicInteger seen = new AtomicInteger();
        Waiting.Signal matched = new Waiting.Signal();
        try (LogFollower follower = LogFollower.start(container.engine(), container.id(), container.name(), line -> {
            if (pattern.matcher(line.text()).find()) {
                seen.incrementAndGet();
                matched.fire();
            }
        })) {
            Waiting.untilSignalled(container, timeout, description(), matched, observed -> {
                int count = seen.get();
                observed.set("matched " + count + (count == 1 ? " time" : " times"));
                return count >= times;
            });
        }
    }

    @Override
    public String description() {
        return "a log line matching /" + pattern.pattern() + "/" + (times == 1 ? "" : " " + times + " times");
    }
}
