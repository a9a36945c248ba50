package dev.stevedore.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JdbcLoginTest {

    @Test
    void theDriverOnTheClassPathIsFound() {
        assertThat(JdbcLogin.available()).isTrue();
    }

    @Test
    void theWarmUpLogsInWithScramAndGetsItsAnswerFromTheStandInServer() {
        assertThat(JdbcLogin.warmUp()).isTrue();
    }

    @Test
    void theStandInServerRefusesAWrongPassword() throws Exception {
        try (PgWarmUpServer server = PgWarmUpServer.start("right")) {
            assertThatThrownBy(() -> JdbcLogin.selectOne("127.0.0.1", server.port(), "u", "wrong", "db", Duration.ofSeconds(5)))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aLoginWhereNothingListensFailsWithinItsLimit() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        long started = System.nanoTime();
        assertThatThrownBy(() -> JdbcLogin.selectOne("127.0.0.1", port, "u", "p", "db", Duration.ofSeconds(2)))
                .isInstanceOf(SQLException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
