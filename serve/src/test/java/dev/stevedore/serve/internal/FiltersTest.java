package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FiltersTest {

    @Test
    void arraysAsDockerJavaWritesThemAndBooleanMapsAsTheGoClientDoesMeanTheSame() {
        Filters arrays = Filters.parse("{\"label\":[\"a=1\",\"b\"]}");
        Filters booleans = Filters.parse("{\"label\":{\"a=1\":true,\"b\":true,\"c\":false}}");

        assertThat(arrays.values("label")).containsExactly("a=1", "b");
        assertThat(booleans.values("label")).containsExactly("a=1", "b");
    }

    @Test
    void everyLabelFilterMustHold() {
        Filters filters = Filters.parse("{\"label\":[\"a=1\",\"b\"]}");

        assertThat(filters.labels(Map.of("a", "1", "b", "anything"))).isTrue();
        assertThat(filters.labels(Map.of("a", "2", "b", "x"))).isFalse();
        assertThat(filters.labels(Map.of("a", "1"))).isFalse();
    }

    @Test
    void valuesOfOneFilterAreAlternatives() {
        Filters filters = Filters.parse("{\"status\":[\"running\",\"created\"]}");

        assertThat(filters.matchesAny("status", List.of("created"), String::equals)).isTrue();
        assertThat(filters.matchesAny("status", List.of("exited"), String::equals)).isFalse();
        assertThat(filters.matchesAny("name", List.of("whatever"), String::equals)).isTrue();
    }

    @Test
    void noFiltersMatchEverything() {
        assertThat(Filters.parse(null).labels(Map.of())).isTrue();
        assertThat(Filters.parse("").has("label")).isFalse();
    }

    @Test
    void referenceFiltersAreGlobsWithinAComponent() {
        assertThat(Filters.glob("busybox", "busybox:latest")).isTrue();
        assertThat(Filters.glob("busy*", "busybox:1.35")).isTrue();
        assertThat(Filters.glob("busybox:1.*", "busybox:1.35")).isTrue();
        assertThat(Filters.glob("busybox", "team/busybox:latest")).isFalse();
    }

    @Test
    void malformedFiltersAreBadRequests() {
        assertThatThrownBy(() -> Filters.parse("{not json"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> Filters.parse("[1]"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
