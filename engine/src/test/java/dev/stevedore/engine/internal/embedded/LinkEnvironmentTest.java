package dev.stevedore.engine.internal.embedded;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LinkEnvironmentTest {
    private static final String IP = "10.213.0.2";

    @Test
    void writesWhatDockerd2010WroteForTheSamePortsAndEnvironment() {
        // what dockerd 20.10 gave `docker run --link lk-db2:my-db` for a container run with
        // -e HOME=/x -e A=b=c --expose 7000-7002 --expose 7000/udp (recorded on the test bed)
        List<String> env = LinkEnvironment.variables("my-db", "/web/my-db", IP,
                List.of("7000/udp", "7000/tcp", "7001/tcp", "7002/tcp"), List.of("HOME=/x", "A=b=c", "PATH=/bin"));

        assertThat(env).containsExactlyInAnyOrder(
                "MY_DB_NAME=/web/my-db", "MY_DB_ENV_A=b=c",
                "MY_DB_PORT=tcp://" + IP + ":7000",
                "MY_DB_PORT_7000_TCP_START=tcp://" + IP + ":7000", "MY_DB_PORT_7000_TCP_PORT_START=7000",
                "MY_DB_PORT_7000_TCP_END=tcp://" + IP + ":7002", "MY_DB_PORT_7000_TCP_PORT_END=7002",
                "MY_DB_PORT_7000_TCP=tcp://" + IP + ":7000", "MY_DB_PORT_7000_TCP_ADDR=" + IP,
                "MY_DB_PORT_7000_TCP_PORT=7000", "MY_DB_PORT_7000_TCP_PROTO=tcp",
                "MY_DB_PORT_7000_UDP=udp://" + IP + ":7000", "MY_DB_PORT_7000_UDP_ADDR=" + IP,
                "MY_DB_PORT_7000_UDP_PORT=7000", "MY_DB_PORT_7000_UDP_PROTO=udp",
                "MY_DB_PORT_7001_TCP=tcp://" + IP + ":7001", "MY_DB_PORT_7001_TCP_ADDR=" + IP,
                "MY_DB_PORT_7001_TCP_PORT=7001", "MY_DB_PORT_7001_TCP_PROTO=tcp",
                "MY_DB_PORT_7002_TCP=tcp://" + IP + ":7002", "MY_DB_PORT_7002_TCP_ADDR=" + IP,
                "MY_DB_PORT_7002_TCP_PORT=7002", "MY_DB_PORT_7002_TCP_PROTO=tcp");
    }

    @Test
    void twoConsecutivePortsAreNoRunAndNoPortsNoPortVariable() {
        assertThat(LinkEnvironment.variables("db", "/web/db", IP, List.of("5432/tcp", "5433/tcp"), List.of()))
                .noneMatch(e -> e.contains("_START") || e.contains("_END"));
        assertThat(LinkEnvironment.variables("db", "/web/db", IP, List.of(), List.of("FOO=1")))
                .containsExactly("DB_NAME=/web/db", "DB_ENV_FOO=1");
    }
}
