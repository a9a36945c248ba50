package dev.stevedore.engine.internal.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTest {

    @Test
    void parsesDockerHubsBearerChallenge() {
        List<AuthChallenge> challenges = AuthChallenge.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:library/alpine:pull\"");

        assertThat(challenges).singleElement().satisfies(c -> {
            assertThat(c.is("bearer")).isTrue();
            assertThat(c.parameter("realm")).isEqualTo("https://auth.example/token");
            assertThat(c.parameter("service")).isEqualTo("registry.example");
            assertThat(c.scopes()).containsExactly("repository:library/alpine:pull");
        });
    }

    @Test
    void parsesSeveralChallengesInOneHeader() {
        List<AuthChallenge> challenges = AuthChallenge.parse(
                "Basic realm=\"Registry Realm\", Bearer realm=\"https://a/token\", service=\"s\" ,error=\"invalid_token\"");

        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("Basic", "Bearer");
        assertThat(challenges.get(0).parameter("realm")).isEqualTo("Registry Realm");
        assertThat(challenges.get(1).parameters()).containsEntry("realm", "https://a/token")
                .containsEntry("service", "s").containsEntry("error", "invalid_token");
    }

    @Test
    void parsesChallengesFromSeveralHeaders() {
        List<AuthChallenge> challenges = AuthChallenge.parse(List.of("Basic realm=\"x\"", "Bearer realm=\"y\""));

        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("Basic", "Bearer");
    }

    @Test
    void unescapesQuotedStringsAndKeepsCommasInsideThem() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"a\\\"b,c\", scope=\"repository:a:pull repository:b:pull\"").get(0);

        assertThat(challenge.parameter("realm")).isEqualTo("a\"b,c");
        assertThat(challenge.scopes()).containsExactly("repository:a:pull", "repository:b:pull");
    }

    @Test
    void acceptsUnquotedTokensCaseInsensitiveNamesAndWhiteSpaceAroundEquals() {
        AuthChallenge challenge = AuthChallenge.parse("bearer Realm = https://x/token , SERVICE=svc").get(0);

        assertThat(challenge.parameter("realm")).isEqualTo("https://x/token");
        assertThat(challenge.parameter("service")).isEqualTo("svc");
    }

    @Test
    void readsToken68Forms() {
        List<AuthChallenge> challenges = AuthChallenge.parse("Negotiate abc+/=, Basic realm=r");

        assertThat(challenges).hasSize(2);
        assertThat(challenges.get(0).token68()).isEqualTo("abc+/=");
        assertThat(challenges.get(0).parameters()).isEmpty();
        assertThat(challenges.get(1).parameter("realm")).isEqualTo("r");
    }

    @Test
    void schemeWithoutParameters() {
        assertThat(AuthChallenge.parse("Basic")).singleElement().satisfies(c -> {
            assertThat(c.is("Basic")).isTrue();
            assertThat(c.parameters()).isEmpty();
            assertThat(c.scopes()).isEmpty();
        });
    }

    @Test
    void emptyOrGarbageGivesNoChallenges() {
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse(" , ")).isEmpty();
        assertThat(AuthChallenge.parse("=oops")).isEmpty();
    }

    @Test
    void unterminatedQuoteTakesTheRest() {
        assertThat(AuthChallenge.parse("Bearer realm=\"https://x").get(0).parameter("realm")).isEqualTo("https://x");
    }
}
