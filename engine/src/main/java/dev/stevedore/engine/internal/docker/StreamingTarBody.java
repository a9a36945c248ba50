package dev.stevedore.engine.internal.docker;

import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An {@code application/x-tar} request body written as it is sent, never held in memory (sent chunked).
 * One-shot: its source can be read once, so OkHttp must not retry it.
 */
final class StreamingTarBody extends RequestBody {
    static final MediaType TAR = MediaType.get("application/x-tar");

    /** Writes the whole body. */
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private final Writer writer;

    StreamingTarBody(Writer writer) {
        this.writer = writer;
    }

    @Override
    public MediaType contentType() {
        return TAR;
    }

    @Override
    public boolean isOneShot() {
        return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        writer.write(sink.outputStream());
    }
}
