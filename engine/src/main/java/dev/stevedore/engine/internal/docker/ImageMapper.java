package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.Platform;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps the daemon's image inspect JSON ({@code GET /images/{name}/json}) onto {@link Image}.
 *
 * <p>Where Docker's view differs from the embedded store's, the record says what Docker knows:
 * {@code layers} are the uncompressed layer digests ({@code RootFS.Layers}, the "diff ids"), since the daemon
 * does not keep the compressed blobs' digests; {@code size} is the unpacked size; {@code manifestDigest} is
 * the digest the image was pulled by ({@code RepoDigests}), {@code null} for an image that was loaded or built.
 */
final class ImageMapper {
    private static final String UNTAGGED = "<none>:<none>";
    private static final String UNDIGESTED = "<none>@<none>";

    private ImageMapper() {
    }

    /**
     * The image an inspect answer describes.
     *
     * @param asked the reference the caller asked for, whose repository's digest is preferred as the
     *              manifest digest; {@code null} when listing
     */
    static Image image(JsonNode inspect, ImageReference asked) {
        List<ImageReference> references = new ArrayList<>();
        for (JsonNode tag : inspect.path("RepoTags")) {
            parse(tag.asText()).ifPresent(references::add);
        }
        List<String> repoDigests = new ArrayList<>();
        inspect.path("RepoDigests").forEach(d -> repoDigests.add(d.asText()));
        if (references.isEmpty()) {
            for (String digested : repoDigests) {
                parse(digested).ifPresent(references::add);
            }
        }
        return new Image(
                references,
                inspect.path("Id").asText(),
                manifestDigest(repoDigests, asked),
                platform(inspect),
                strings(inspect.path("RootFS").path("Layers")),
                inspect.path("Size").asLong(0),
                instant(inspect.path("Created").asText("")),
                config(inspect.path("Config")),
                inspect.path("Author").asText(""),
                inspect.path("Parent").asText(""));
    }

    /** dockerd's {@code GET /images/{name}/history} answer, newest first; {@code <missing>} ids become null. */
    static List<dev.stevedore.engine.ImageHistory> history(JsonNode answer) {
        List<dev.stevedore.engine.ImageHistory> steps = new ArrayList<>();
        for (JsonNode step : answer) {
            String id = step.path("Id").asText("");
            long created = step.path("Created").asLong(0);
            List<ImageReference> tags = new ArrayList<>();
            for (String tag : strings(step.path("Tags"))) {
                parse(tag).ifPresent(tags::add);
            }
            steps.add(new dev.stevedore.engine.ImageHistory(id.isEmpty() || "<missing>".equals(id) ? null : id,
                    created <= 0 ? null : Instant.ofEpochSecond(created), step.path("CreatedBy").asText(""),
                    step.path("Size").asLong(0), step.path("Comment").asText(""), tags));
        }
        return steps;
    }

    static ImageConfig config(JsonNode config) {
        if (config.isMissingNode() || config.isNull()) {
            return ImageConfig.empty();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ImageConfig(
                strings(config.path("Entrypoint")),
                strings(config.path("Cmd")),
                strings(config.path("Env")),
                config.path("WorkingDir").asText(""),
                config.path("User").asText(""),
                keys(config.path("ExposedPorts")),
                keys(config.path("Volumes")),
                labels,
                config.path("StopSignal").asText(""),
                healthcheck(config.path("Healthcheck")));
    }

    private static ImageConfig.Healthcheck healthcheck(JsonNode healthcheck) {
        if (healthcheck.isMissingNode() || healthcheck.isNull()) {
            return null;
        }
        return new ImageConfig.Healthcheck(
                strings(healthcheck.path("Test")),
                Duration.ofNanos(healthcheck.path("Interval").asLong(0)),
                Duration.ofNanos(healthcheck.path("Timeout").asLong(0)),
                Duration.ofNanos(healthcheck.path("StartPeriod").asLong(0)),
                healthcheck.path("Retries").asInt(0));
    }

    private static Platform platform(JsonNode inspect) {
        String os = inspect.path("Os").asText("");
        String architecture = inspect.path("Architecture").asText("");
        return new Platform(os.isEmpty() ? "linux" : os,
                architecture.isEmpty() ? "unknown" : Platform.normaliseArchitecture(architecture),
                inspect.path("Variant").asText(""));
    }

    private static String manifestDigest(List<String> repoDigests, ImageReference asked) {
        String fallback = null;
        for (String repoDigest : repoDigests) {
            int at = repoDigest.lastIndexOf('@');
            if (at < 0 || repoDigest.equals(UNDIGESTED)) {
                continue;
            }
            String digest = repoDigest.substring(at + 1);
            if (asked == null) {
                return digest;
            }
            if (asked.digest() != null && asked.digest().equals(digest)) {
                return digest;
            }
            var named = parse(repoDigest.substring(0, at));
            if (named.isPresent() && named.get().name().equals(asked.name())) {
                return digest;
            }
            if (fallback == null) {
                fallback = digest;
            }
        }
        return fallback;
    }

    private static java.util.Optional<ImageReference> parse(String text) {
        if (text.isEmpty() || text.equals(UNTAGGED) || text.equals(UNDIGESTED)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(ImageReference.parse(text));
        } catch (InvalidImageReferenceException e) {
            return java.util.Optional.empty();
        }
    }

    /** An RFC 3339 time; {@code null} for an empty or unreadable one. */
    static Instant instant(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException alsoNot) {
                return null;
            }
        }
    }

    /** The strings of a JSON array; a lone string (as some daemons write a shell-form CMD) as one. */
    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(v -> values.add(v.asText()));
        } else if (array.isTextual()) {
            // some daemons write a lone string where the API has an array (a shell-form CMD)
            values.add(array.asText());
        }
        return values;
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> keys = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
