package dev.stevedore.engine.internal.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.store.Digest;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An image config blob ({@code application/vnd.oci.image.config.v1+json} or Docker's
 * {@code container.image.v1+json}) as the engine needs it: the runnable configuration, the platform it
 * was built for, the uncompressed layer digests and the creation time.
 *
 * @param config   the runnable part (entrypoint, cmd, env, user, ...)
 * @param platform the OS, architecture and variant the image was built for
 * @param diffIds  the digests of the uncompressed layers, bottom first ({@code rootfs.diff_ids})
 * @param created  when the image was built, or {@code null} when the config does not say
 * @param author   the config's {@code author} ({@code commit -a}, a Dockerfile's {@code MAINTAINER}), empty for none
 * @param parent   the config's {@code parent}: the id of the image a commit started from, as dockerd records it; empty
 *                 for none
 */
public record ImageConfigDocument(ImageConfig config, Platform platform, List<Digest> diffIds, Instant created,
                                  String author, String parent) {

    /** The largest config accepted; real ones are a few KiB, the biggest seen in the wild well under 1 MiB. */
    public static final int MAX_SIZE = 8 * 1024 * 1024;
    private static final String WHAT = "the image config";

    public ImageConfigDocument {
        diffIds = List.copyOf(diffIds);
    }

    /**
     * Parses an image config.
     *
     * @throws ImageFormatException naming the field that is missing or malformed
     */
    public static ImageConfigDocument parse(byte[] bytes) {
        if (bytes.length > MAX_SIZE) {
            throw new ImageFormatException(WHAT + " has " + bytes.length + " bytes, more than the " + MAX_SIZE + " accepted");
        }
        ObjectNode json = ImageJson.object(bytes, WHAT);
        String os = ImageJson.requiredText(json, "os", WHAT);
        String architecture = ImageJson.requiredText(json, "architecture", WHAT);
        String variant = ImageJson.optionalText(json, "variant", WHAT);
        Platform platform = new Platform(os, architecture, variant);

        JsonNode rootfs = ImageJson.optionalObject(json, "rootfs", WHAT);
        if (rootfs == null) {
            throw new ImageFormatException(WHAT + " has no \"rootfs\"");
        }
        String rootfsType = ImageJson.requiredText(rootfs, "type", WHAT + "'s rootfs");
        if (!"layers".equals(rootfsType)) {
            throw new ImageFormatException(WHAT + "'s rootfs has type \"" + rootfsType + "\"; only \"layers\" is defined");
        }
        List<Digest> diffIds = new ArrayList<>();
        List<String> diffIdTexts = ImageJson.stringList(rootfs, "diff_ids", WHAT + "'s rootfs");
        for (int i = 0; i < diffIdTexts.size(); i++) {
            diffIds.add(ImageJson.digest(diffIdTexts.get(i), WHAT + "'s rootfs.diff_ids[" + i + "]"));
        }

        JsonNode container = ImageJson.optionalObject(json, "config", WHAT);
        ImageConfig config = container == null ? ImageConfig.empty() : runnable(container);
        return new ImageConfigDocument(config, platform, diffIds, created(ImageJson.optionalText(json, "created", WHAT), WHAT),
                Objects.requireNonNullElse(ImageJson.optionalText(json, "author", WHAT), ""),
                Objects.requireNonNullElse(ImageJson.optionalText(json, "parent", WHAT), ""));
    }

    private static ImageConfig runnable(JsonNode c) {
        String what = WHAT + "'s config";
        Set<String> ports = new LinkedHashSet<>();
        for (String port : ImageJson.keys(c, "ExposedPorts", what)) {
            ports.add(port.contains("/") ? port : port + "/tcp");
        }
        return new ImageConfig(
                ImageJson.stringList(c, "Entrypoint", what),
                ImageJson.stringList(c, "Cmd", what),
                ImageJson.stringList(c, "Env", what),
                ImageJson.optionalText(c, "WorkingDir", what),
                ImageJson.optionalText(c, "User", what),
                ports,
                new LinkedHashSet<>(ImageJson.keys(c, "Volumes", what)),
                ImageJson.stringMap(c, "Labels", what),
                ImageJson.optionalText(c, "StopSignal", what),
                healthcheck(ImageJson.optionalObject(c, "Healthcheck", what)));
    }

    private static ImageConfig.Healthcheck healthcheck(JsonNode h) {
        if (h == null) {
            return null;
        }
        String what = WHAT + "'s Healthcheck";
        JsonNode retries = h.get("Retries");
        if (retries != null && !retries.isNull() && !retries.canConvertToInt()) {
            throw new ImageFormatException(what + ": \"Retries\" must be an integer");
        }
        return new ImageConfig.Healthcheck(ImageJson.stringList(h, "Test", what),
                goDuration(h, "Interval", what), goDuration(h, "Timeout", what), goDuration(h, "StartPeriod", what),
                retries == null || retries.isNull() ? 0 : retries.intValue());
    }

    /** Go's {@code time.Duration} is serialised as an integer of nanoseconds. */
    private static Duration goDuration(JsonNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return Duration.ZERO;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new ImageFormatException(what + ": \"" + field + "\" must be a non-negative number of nanoseconds");
        }
        return Duration.ofNanos(node.longValue());
    }

    /** RFC 3339 with any offset; Go's zero time (year 1), written by tools that do not know, means "unknown". */
    static Instant created(String text, String what) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return time.getYear() <= 1 ? null : time.toInstant();
        } catch (DateTimeParseException e) {
            throw new ImageFormatException(what + ": \"created\" is not an RFC 3339 time: " + text, e);
        }
    }
}
