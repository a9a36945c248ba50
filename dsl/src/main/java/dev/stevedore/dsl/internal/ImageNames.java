package dev.stevedore.dsl.internal;

import dev.stevedore.engine.ImageReference;
import java.util.Locale;
import java.util.function.Function;

/**
 * The DSL's image-name rewrite for users behind a mirror or offline: {@code docker.io} images are asked
 * for at a mirror registry instead, before the engine sees the name.
 *
 * <p>The mirror is {@code STEVEDORE_IMAGE_MIRROR}, else the first entry of {@code STEVEDORE_REGISTRY_MIRROR}
 * (each also as the system property in lower case with dots); {@code off} or {@code none} in
 * {@code STEVEDORE_IMAGE_MIRROR} switches the rewrite off. {@code postgres:15} becomes
 * {@code MIRROR/library/postgres:15}; images of any other registry are left alone. A mirror given as a URL
 * ({@code http://host:5000/}) is reduced to {@code host:5000}.
 */
public final class ImageNames {

    private ImageNames() {
    }

    /** What the engine is asked for when a user names {@code image}, under the given settings lookup. */
    public static String resolve(String image, Function<String, String> variables) {
        String mirror = mirror(variables);
        if (mirror == null) {
            return image;
        }
        ImageReference reference = ImageReference.parse(image);
        if (!reference.registry().equals(ImageReference.DOCKER_HUB)) {
            return image;
        }
        return reference.withRegistry(mirror).toString();
    }

    /** The mirror registry ({@code host[:port]}) in effect, or {@code null}. */
    public static String mirror(Function<String, String> variables) {
        String explicit = variables.apply("STEVEDORE_IMAGE_MIRROR");
        if (explicit != null && !explicit.isBlank()) {
            String value = explicit.trim();
            String lower = value.toLowerCase(Locale.ROOT);
            return lower.equals("off") || lower.equals("none") ? null : host(value);
        }
        String registryMirrors = variables.apply("STEVEDORE_REGISTRY_MIRROR");
        if (registryMirrors != null && !registryMirrors.isBlank()) {
            for (String entry : registryMirrors.split(",")) {
                if (!entry.isBlank()) {
                    return host(entry.trim());
                }
            }
        }
        return null;
    }

    private static String host(String value) {
        return value.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "").replaceFirst("/+$", "");
    }
}
