package dev.stevedore.serve.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what a client of {@code stevedore serve} sends on a connection: request heads ({@link HttpParser}) and
 * their bodies, by {@code Content-Length} or chunked ({@link ChunkedInputStream}). Whatever the bytes, reading
 * request after request ends, hands out no more body bytes than came in, and fails only with an
 * {@link ApiException} (the 400 or 431 the client gets) or an {@link IOException} (a connection that broke off).
 *
 * <p>Runs over the seed corpus in {@code HttpRequestFuzzTestInputs} as a unit test; with {@code JAZZER_FUZZ=1}
 * it fuzzes for the time the build gives it (see this module's pom).
 */
class HttpRequestFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readsRequestsOrRefusesThem(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        InputStream connection = new ByteArrayInputStream(bytes);
        long body = 0;
        try {
            for (HttpRequest request = HttpParser.read(connection); request != null; request = HttpParser.read(connection)) {
                body += request.body().readAllBytes().length;
            }
        } catch (ApiException | IOException refused) {
            return;
        }
        assertThat(body).isLessThanOrEqualTo(bytes.length);
    }
}
