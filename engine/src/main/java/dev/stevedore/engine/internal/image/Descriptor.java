package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.store.Digest;

import java.util.List;
import java.util.Map;

/**
 * An OCI content descriptor: what a manifest or index says about a blob it points to.
 *
 * @param mediaType   the blob's media type
 * @param digest      its digest
 * @param size        its size in bytes
 * @param platform    for index entries, the platform; else {@code null}
 * @param urls        foreign URLs (never fetched with credentials); usually empty
 * @param annotations annotations; usually empty
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform, List<String> urls,
                         Map<String, String> annotations) {
    public Descriptor {
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, List.of(), Map.of());
    }
}
