package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerTop;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessOwnersTest {
    private static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n"
            + "stevedore-rootless:x:1003:1003::/home/s:/bin/sh\nstevedore-nosub:x:1004:1004::/:/bin/sh\n";
    private static final String GROUP = "root:x:0:\nalice:x:1000:\nstevedore-rootless:x:1003:\n";
    /** The user 1003 with the subordinate range from 165536. */
    private static final IdMapping MAPPING = new IdMapping(1003, 1003, 165536, 65536, 165536, 65536);
    private static final Map<Long, String> STATUS = Map.of(
            10L, "Name:\tsleep\nUid:\t1003\t1003\t1003\t1003\nGid:\t1003\t1003\t1003\t1003\n",
            11L, "Name:\tsleep\nUid:\t166535\t166535\t166535\t166535\nGid:\t166535\t166535\t166535\t166535\n",
            12L, "Name:\tsleep\nUid:\t5\t5\t5\t5\nGid:\t7\t7\t7\t7\n");

    private static ContainerTop mapped(ContainerTop host) {
        return new ProcessOwners(MAPPING, PASSWD, GROUP, STATUS::get).map(host);
    }

    @Test
    void userAndGroupColumnsBecomeTheContainersIdsByNameAndByNumber() {
        ContainerTop host = new ContainerTop(List.of("UID", "USER", "GID", "GROUP", "PID", "CMD"), List.of(
                List.of("1003", "stevedo+", "1003", "stevedo+", "10", "sleep 1"), // ps cut the host's name short
                List.of("166535", "166535", "166535", "166535", "11", "sleep 2"),
                List.of("5", "5", "7", "7", "12", "sleep 3")));

        ContainerTop mapped = mapped(host);

        assertThat(mapped.titles()).isEqualTo(host.titles());
        assertThat(mapped.processes()).containsExactly(
                List.of("0", "root", "0", "root", "10", "sleep 1"),
                List.of("1000", "alice", "1000", "alice", "11", "sleep 2"), // USER/GROUP: the host's name of 1000
                List.of("65534", "65534", "65534", "65534", "12", "sleep 3")); // not mapped: the kernel's overflow id
    }

    @Test
    void otherColumnsAndRowsWhoseProcessIsGoneAreLeftAsPsPrintedThem() {
        ContainerTop host = new ContainerTop(List.of("PID", "USER", "COMMAND"), List.of(
                List.of("10", "stevedo+", "sleep 1"), List.of("99", "stevedo+", "gone")));

        assertThat(mapped(host).processes())
                .containsExactly(List.of("10", "root", "sleep 1"), List.of("99", "stevedo+", "gone"));
    }
}
