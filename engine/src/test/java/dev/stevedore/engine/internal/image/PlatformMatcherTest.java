package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.store.Digest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformMatcherTest {

    private static int counter;

    private static Descriptor entry(String platform) {
        return entry(platform, Map.of());
    }

    private static Descriptor entry(String platform, Map<String, String> annotations) {
        String hex = String.format("%064x", ++counter);
        return new Descriptor(MediaTypes.OCI_MANIFEST, new Digest("sha256", hex), 100,
                Platform.parse(platform), List.of(), annotations);
    }

    @Test
    void picksTheFirstMatchingEntry() {
        Descriptor first = entry("linux/amd64");
        Descriptor second = entry("linux/amd64");
        List<Descriptor> entries = List.of(entry("linux/arm64/v8"), first, second);

        assertThat(PlatformMatcher.select(entries, Platform.parse("linux/amd64"))).contains(first);
    }

    @Test
    void mapsKernelArchitectureNames() {
        Descriptor amd64 = entry("linux/amd64");
        Descriptor arm64 = entry("linux/arm64/v8");
        List<Descriptor> entries = List.of(amd64, arm64);

        assertThat(PlatformMatcher.select(entries, new Platform("linux", "x86_64", ""))).contains(amd64);
        assertThat(PlatformMatcher.select(entries, new Platform("linux", "aarch64", ""))).contains(arm64);
    }

    @Test
    void arm64WithoutVariantIsV8() {
        Descriptor arm64 = entry("linux/arm64");

        assertThat(PlatformMatcher.select(List.of(arm64), Platform.parse("linux/arm64/v8"))).contains(arm64);
        assertThat(PlatformMatcher.select(List.of(entry("linux/arm64/v8")), Platform.parse("linux/arm64"))).isPresent();
    }

    @Test
    void amd64FallsBackToLowerVariantsThen386() {
        Descriptor v2 = entry("linux/amd64/v2");
        Descriptor v1 = entry("linux/amd64");
        Descriptor i386 = entry("linux/386");

        assertThat(PlatformMatcher.select(List.of(i386, v1, v2), Platform.parse("linux/amd64/v3"))).contains(v2);
        assertThat(PlatformMatcher.select(List.of(i386, v1), Platform.parse("linux/amd64/v3"))).contains(v1);
        assertThat(PlatformMatcher.select(List.of(i386), Platform.parse("linux/amd64"))).contains(i386);
        assertThat(PlatformMatcher.select(List.of(v2), Platform.parse("linux/amd64"))).isEmpty();
    }

    @Test
    void armV7FallsBackToV6AndV5ButNotUp() {
        Descriptor v6 = entry("linux/arm/v6");
        Descriptor v8 = entry("linux/arm/v8");

        assertThat(PlatformMatcher.select(List.of(v8, v6), Platform.parse("linux/arm/v7"))).contains(v6);
        assertThat(PlatformMatcher.preferences(Platform.parse("linux/arm")))
                .extracting(Platform::toString).containsExactly("linux/arm/v7", "linux/arm/v6", "linux/arm/v5");
    }

    @Test
    void skipsAttestations() {
        Descriptor attestation = entry("unknown/unknown", Map.of("vnd.docker.reference.type", "attestation-manifest"));
        Descriptor annotatedOnly = entry("linux/amd64", Map.of("vnd.docker.reference.type", "attestation-manifest"));
        Descriptor image = entry("linux/amd64");

        assertThat(PlatformMatcher.select(List.of(attestation, annotatedOnly, image), Platform.parse("linux/amd64"))).contains(image);
        assertThat(PlatformMatcher.offered(List.of(attestation, image))).extracting(Platform::toString).containsExactly("linux/amd64");
    }

    @Test
    void doesNotMatchAnotherOs() {
        assertThat(PlatformMatcher.select(List.of(entry("windows/amd64")), Platform.parse("linux/amd64"))).isEmpty();
    }

    @Test
    void compatibleAcceptsConfigsThatLeaveTheVariantOut() {
        assertThat(PlatformMatcher.compatible(Platform.parse("linux/arm64/v8"), Platform.parse("linux/arm64"))).isTrue();
        assertThat(PlatformMatcher.compatible(Platform.parse("linux/amd64"), new Platform("linux", "amd64", ""))).isTrue();
        assertThat(PlatformMatcher.compatible(Platform.parse("linux/amd64"), Platform.parse("linux/arm64"))).isFalse();
        assertThat(PlatformMatcher.compatible(Platform.parse("linux/amd64"), Platform.parse("linux/amd64/v3"))).isFalse();
    }

    @Test
    void manifestListOffersItsPlatforms() {
        ManifestList list = new ManifestList(2, MediaTypes.OCI_INDEX,
                List.of(entry("linux/amd64"), entry("linux/arm64/v8")), Map.of());

        assertThat(list.platforms()).extracting(Platform::toString).containsExactly("linux/amd64", "linux/arm64/v8");
        assertThat(list.select(Platform.parse("linux/s390x"))).isEmpty();
    }
}
