package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpParserTest {

    private static InputStream wire(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void versionPrefixIsTakenOffAndKept() throws IOException {
        HttpRequest request = HttpParser.read(wire("GET /v1.44/containers/json?all=1 HTTP/1.1\r\nHost: localhost:2375\r\n\r\n"));

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/containers/json");
        assertThat(request.apiVersion()).isEqualTo("1.44");
        assertThat(request.flag("all")).isTrue();
        assertThat(request.header("HOST")).isEqualTo("localhost:2375");
    }

    @Test
    void unversionedPathsAndTheBareVersionAreServed() throws IOException {
        assertThat(HttpParser.read(wire("HEAD /_ping HTTP/1.1\r\n\r\n")).apiVersion()).isNull();
        assertThat(HttpParser.read(wire("GET /v1.41 HTTP/1.1\r\n\r\n")).path()).isEqualTo("/");
    }

    @Test
    void encodedSlashesInImageNamesAreDecodedAfterTheQueryIsSplitOff() throws IOException {
        HttpRequest request = HttpParser.read(wire(
                "GET /v1.32/images/testcontainers%2Fryuk:0.14.0/json?x=a%26b&y=c+d HTTP/1.1\r\n\r\n"));

        assertThat(request.path()).isEqualTo("/images/testcontainers/ryuk:0.14.0/json");
        assertThat(request.query("x")).isEqualTo("a&b");
        assertThat(request.query("y")).isEqualTo("c d");
    }

    @Test
    void aPlusInAPathStaysAPlus() {
        assertThat(HttpParser.decodePath("/images/a+b%20c/json")).isEqualTo("/images/a+b c/json");
    }

    @Test
    void repeatedQueryParametersKeepEveryValue() {
        assertThat(HttpParser.parseQuery("a=1&a=2&b")).containsEntry("a", List.of("1", "2")).containsEntry("b", List.of(""));
    }

    @Test
    void booleansAreReadAsMobyReadsThem() {
        assertThat(List.of("1", "true", "True", "yes")).allMatch(HttpRequest::isTrue);
        assertThat(List.of("", "0", "no", "false", "FALSE", "none")).noneMatch(HttpRequest::isTrue);
        assertThat(HttpRequest.isTrue(null)).isFalse();
    }

    @Test
    void contentLengthBodyEndsWhereTheNextRequestBegins() throws IOException {
        InputStream in = wire("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n\r\n");

        HttpRequest first = HttpParser.read(in);
        assertThat(new String(first.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        HttpRequest second = HttpParser.read(in);

        assertThat(second.path()).isEqualTo("/b");
        assertThat(second.bodyBytes()).isEmpty();
        assertThat(HttpParser.read(in)).isNull();
    }

    @Test
    void chunkedBodyIsJoinedAndItsTrailersSkipped() throws IOException {
        InputStream in = wire("PUT /containers/x/archive?path=/tmp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nGET /next HTTP/1.1\r\n\r\n");

        HttpRequest put = HttpParser.read(in);

        assertThat(new String(put.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(HttpParser.read(in).path()).isEqualTo("/next");
    }

    @Test
    void aPostWithoutLengthHasNoBody() throws IOException {
        HttpRequest request = HttpParser.read(wire("POST /containers/x/start HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"));

        assertThat(request.bodyBytes()).isEmpty();
    }

    @Test
    void bareLineFeedsAreAccepted() throws IOException {
        assertThat(HttpParser.read(wire("GET /info HTTP/1.1\nHost: x\n\n")).path()).isEqualTo("/info");
    }

    @Test
    void malformedRequestsAreBadRequests() {
        assertThatThrownBy(() -> HttpParser.read(wire("GARBAGE\r\n\r\n")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> HttpParser.read(wire("GET /x HTTP/1.1\r\nno colon here\r\n\r\n")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> HttpParser.read(wire("GET /x%zz HTTP/1.1\r\n\r\n")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void aHeadLargerThanTheLimitIsRefused() {
        String huge = "GET /x HTTP/1.1\r\nX-Big: " + "a".repeat(HttpParser.MAX_HEAD + 1) + "\r\n\r\n";

        assertThatThrownBy(() -> HttpParser.read(wire(huge)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(431));
    }

    @Test
    void upgradeNeedsBothHeaders() throws IOException {
        assertThat(HttpParser.read(wire("POST /exec/x/start HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")).upgrade()).isTrue();
        assertThat(HttpParser.read(wire("POST /exec/x/start HTTP/1.1\r\nContent-Type: application/json\r\n\r\n")).upgrade()).isFalse();
    }
}
