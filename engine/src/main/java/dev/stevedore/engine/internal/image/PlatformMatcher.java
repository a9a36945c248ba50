package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.Platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the entry of an index to pull for a platform, the way containerd's platform matcher and the
 * image-spec describe it: the most specific compatible platform wins, and among entries for the same
 * platform the first one listed.
 *
 * <p>Compatible means: {@code amd64/v3} also runs {@code v2}, {@code v1} and {@code 386};
 * {@code arm/v7} runs {@code v6} and {@code v5}; {@code arm64} is {@code arm64/v8}; an {@code amd64}
 * entry without a variant is {@code v1}. Attestation entries (platform {@code unknown/unknown}, or
 * the Docker reference-type annotation) and entries that are not image manifests are never chosen.
 */
public final class PlatformMatcher {
    private static final String REFERENCE_TYPE = "vnd.docker.reference.type";
    private static final int AMD64_LEVELS = 4;

    private PlatformMatcher() {
    }

    /** The first entry for the most preferred platform {@code wanted} can run, or empty when none. */
    public static Optional<Descriptor> select(List<Descriptor> entries, Platform wanted) {
        for (Platform candidate : preferences(wanted)) {
            for (Descriptor entry : entries) {
                if (isImage(entry) && matches(candidate, entry.platform())) {
                    return Optional.of(entry);
                }
            }
        }
        return Optional.empty();
    }

    /** The platforms of the image entries, in index order (for error messages). */
    public static List<Platform> offered(List<Descriptor> entries) {
        return entries.stream().filter(PlatformMatcher::isImage).map(Descriptor::platform).toList();
    }

    /**
     * Whether an image built for {@code actual} (as its config says) is what was asked for: same OS and
     * architecture, and a variant {@code wanted} can run. Used to re-check the config after selection.
     */
    public static boolean compatible(Platform wanted, Platform actual) {
        // configs often leave the variant out even where the index entry names one
        return preferences(wanted).stream().anyMatch(candidate -> actual.variant().isEmpty()
                ? sameOsAndArchitecture(candidate, actual) : matches(candidate, actual));
    }

    /** The platforms {@code wanted} can run, most preferred first. */
    public static List<Platform> preferences(Platform wanted) {
        Platform platform = normalise(wanted);
        List<Platform> result = new ArrayList<>();
        result.add(platform);
        String os = platform.os();
        switch (platform.architecture()) {
            case "amd64" -> {
                int level = variantLevel(platform.variant(), AMD64_LEVELS);
                for (int v = level - 1; v >= 1; v--) {
                    result.add(new Platform(os, "amd64", "v" + v));
                }
                result.add(new Platform(os, "386", ""));
            }
            case "arm" -> {
                int level = variantLevel(platform.variant(), 8);
                for (int v = level - 1; v >= 5; v--) {
                    result.add(new Platform(os, "arm", "v" + v));
                }
            }
            default -> {
            }
        }
        return result;
    }

    /**
     * A platform in canonical spelling: lower-case OS, Go architecture names ({@code x86_64} is
     * {@code amd64}, {@code aarch64} is {@code arm64}), and the implied variant made explicit
     * ({@code arm64} is {@code v8}, {@code arm} is {@code v7}, {@code amd64} is {@code v1}).
     */
    public static Platform normalise(Platform platform) {
        String architecture = Platform.normaliseArchitecture(platform.architecture());
        String variant = platform.variant().toLowerCase(Locale.ROOT);
        if (!variant.isEmpty() && Character.isDigit(variant.charAt(0))) {
            variant = "v" + variant;
        }
        switch (architecture) {
            case "arm64" -> variant = variant.isEmpty() ? "v8" : variant;
            case "arm" -> variant = variant.isEmpty() ? "v7" : variant;
            case "amd64" -> variant = variant.isEmpty() ? "v1" : variant;
            default -> {
            }
        }
        return new Platform(platform.os().toLowerCase(Locale.ROOT), architecture, variant);
    }

    private static boolean matches(Platform candidate, Platform offered) {
        return sameOsAndArchitecture(candidate, offered) && candidate.variant().equals(normalise(offered).variant());
    }

    private static boolean sameOsAndArchitecture(Platform candidate, Platform entry) {
        return entry != null && candidate.os().equals(entry.os().toLowerCase(Locale.ROOT))
                && candidate.architecture().equals(Platform.normaliseArchitecture(entry.architecture()));
    }

    private static boolean isImage(Descriptor entry) {
        return MediaTypes.MANIFESTS.contains(entry.mediaType()) && entry.platform() != null
                && !"unknown".equals(entry.platform().os()) && !"unknown".equals(entry.platform().architecture())
                && !entry.annotations().containsKey(REFERENCE_TYPE);
    }

    private static int variantLevel(String variant, int fallback) {
        if (variant.startsWith("v")) {
            try {
                return Integer.parseInt(variant.substring(1));
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
