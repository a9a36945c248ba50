package dev.stevedore.engine.internal.build;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InternalNetworkHintTest {
    @Test
    void aRootfulStepOnTheDefaultNetworkThatCouldNotReachOutGetsTheHint() {
        for (String line : List.of("ping: sendto: Network is unreachable",
                "W: Failed to fetch http://x/dists/bookworm/InRelease  Temporary failure resolving 'x'",
                "curl: (6) Could not resolve host: example.org", "wget: bad address 'example.org'",
                "ssh: connect to host 192.0.2.1 port 22: No route to host")) {
            assertThat(InternalNetworkHint.of(null, List.of("first", line), true)).as(line)
                    .startsWith("\nhint: ").contains("--network host");
        }
    }

    @Test
    void otherFailuresAskedNetworksAndRootlessBuildsGetNone() {
        assertThat(InternalNetworkHint.of(null, List.of("sh: nosuchcommand: not found"), true)).isEmpty();
        assertThat(InternalNetworkHint.of("none", List.of("Network is unreachable"), true)).isEmpty();
        assertThat(InternalNetworkHint.of("host", List.of("Network is unreachable"), true)).isEmpty();
        assertThat(InternalNetworkHint.of(null, List.of("Network is unreachable"), false)).isEmpty();
        assertThat(InternalNetworkHint.of(null, List.of(), true)).isEmpty();
    }
}
