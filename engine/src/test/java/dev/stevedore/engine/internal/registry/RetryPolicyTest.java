package dev.stevedore.engine.internal.registry;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.DEFAULT;

    @Test
    void backsOffExponentiallyForFiveAttempts() {
        assertThat(policy.delayBefore(2, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBefore(3, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayBefore(4, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayBefore(5, null)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delayBefore(6, null)).isNull();
    }

    @Test
    void capsEachWait() {
        RetryPolicy many = new RetryPolicy(20, Duration.ofSeconds(1), 2, Duration.ofSeconds(30));

        assertThat(many.delayBefore(10, null)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void honoursRetryAfterUnlessItIsLongerThanTheLongestWait() {
        assertThat(policy.delayBefore(2, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.delayBefore(2, Duration.ofMinutes(10))).isNull();
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2024-05-01T10:00:00Z");

        assertThat(RetryPolicy.parseRetryAfter("5", now)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryPolicy.parseRetryAfter("Wed, 01 May 2024 10:00:20 GMT", now)).isEqualTo(Duration.ofSeconds(20));
        assertThat(RetryPolicy.parseRetryAfter("Wed, 01 May 2024 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("soon", now)).isNull();
        assertThat(RetryPolicy.parseRetryAfter(null, now)).isNull();
        assertThat(RetryPolicy.parseRetryAfter("-3", now)).isNull();
    }

    @Test
    void retriesRateLimitsAndServerErrorsOnly() {
        assertThat(RetryPolicy.retryable(429)).isTrue();
        assertThat(RetryPolicy.retryable(503)).isTrue();
        assertThat(RetryPolicy.retryable(500)).isTrue();
        assertThat(RetryPolicy.retryable(404)).isFalse();
        assertThat(RetryPolicy.retryable(401)).isFalse();
        assertThat(RetryPolicy.retryable(501)).isFalse();
    }

    @Test
    void retriesBrokenConnectionsButNotRefusedOnesOrTls() {
        assertThat(RetryPolicy.retryable(new SocketException("Connection reset"))).isTrue();
        assertThat(RetryPolicy.retryable(new SocketTimeoutException("timeout"))).isTrue();
        assertThat(RetryPolicy.retryable(new EOFException())).isTrue();
        assertThat(RetryPolicy.retryable(new IOException("unexpected end of stream"))).isTrue();
        assertThat(RetryPolicy.retryable(new ConnectException("Connection refused"))).isFalse();
        assertThat(RetryPolicy.retryable(new UnknownHostException("x"))).isFalse();
        assertThat(RetryPolicy.retryable(new SSLHandshakeException("PKIX"))).isFalse();
    }
}
