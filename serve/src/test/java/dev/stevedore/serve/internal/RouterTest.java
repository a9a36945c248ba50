package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterTest {
    private final Router.Handler inspect = x -> { };
    private final Router.Handler remove = x -> { };
    private final Router.Handler archive = x -> { };
    private final Router router = new Router()
            .add("GET", "/images/(?<name>.+)/json", inspect)
            .add("DELETE", "/images/(?<name>.+)", remove)
            .add("GET", "/containers/(?<id>[^/]+)/archive", archive);

    @Test
    void imageNamesMatchGreedilyWithTheirSlashes() {
        Router.Match match = router.find("GET", "/images/127.0.0.1:5000/library/busybox:latest/json");

        assertThat(match.handler()).isSameAs(inspect);
        assertThat(match.parameters().group("name")).isEqualTo("127.0.0.1:5000/library/busybox:latest");
        assertThat(router.find("DELETE", "/images/team/app:1").parameters().group("name")).isEqualTo("team/app:1");
    }

    @Test
    void headFallsBackToTheGetRoute() {
        assertThat(router.find("HEAD", "/containers/abc/archive").handler()).isSameAs(archive);
    }

    @Test
    void anUnknownPathOrMethodIsPageNotFound() {
        assertThatThrownBy(() -> router.find("GET", "/no/such/thing"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).isEqualTo("page not found");
                });
        assertThatThrownBy(() -> router.find("POST", "/containers/abc/archive")).isInstanceOf(ApiException.class);
    }
}
