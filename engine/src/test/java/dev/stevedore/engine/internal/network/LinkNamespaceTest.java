package dev.stevedore.engine.internal.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LinkNamespaceTest {
    @Test
    void theHostsLinkNamesAreTheLinksIpListsInThisNamespace() throws IOException, InterruptedException {
        // other engines on this machine add and delete links meanwhile: what is there before and after must agree
        Set<String> before = LinkNamespace.host().linkNames().orElseThrow();
        Process ip = new ProcessBuilder("ip", "-o", "link", "show").redirectErrorStream(true).start();
        String listing = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ip.waitFor()).as(listing).isZero();
        // "2: eth0@if7: <BROADCAST,...": the name, without the peer's index a veth shows after '@'
        Set<String> listed = Arrays.stream(listing.split("\n")).filter(l -> !l.isBlank())
                .map(l -> l.split(": ", 3)[1].replaceFirst("@.*", "")).collect(Collectors.toSet());

        Set<String> after = LinkNamespace.host().linkNames().orElseThrow();

        assertThat(listed).contains("lo");
        assertThat(before).contains("lo");
        Set<String> either = new HashSet<>(before);
        either.addAll(after);
        assertThat(either).containsAll(listed);
        Set<String> both = new HashSet<>(before);
        both.retainAll(after);
        assertThat(listed).containsAll(both);
    }
}
