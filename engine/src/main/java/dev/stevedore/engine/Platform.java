package dev.stevedore.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * An OS/architecture/variant triple as OCI image indexes name platforms: {@code linux/amd64},
 * {@code linux/arm64/v8}.
 *
 * @param os           the operating system, e.g. {@code linux}
 * @param architecture the CPU architecture in Go's spelling, e.g. {@code amd64}, {@code arm64}
 * @param variant      the CPU variant, e.g. {@code v8}; empty when none
 */
public record Platform(String os, String architecture, String variant) {

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        variant = variant == null ? "" : variant;
        if (os.isEmpty() || architecture.isEmpty()) {
            throw new IllegalArgumentException("platform needs an os and an architecture: " + os + "/" + architecture);
        }
    }

    /** Parses {@code os/arch[/variant]}. */
    public static Platform parse(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("platform \"" + text + "\" is not of the form os/arch[/variant]");
        }
        return new Platform(parts[0], normaliseArchitecture(parts[1]), parts.length == 3 ? parts[2] : "");
    }

    /** The platform of the JVM this runs on, in OCI spelling ({@code x86_64} becomes {@code amd64}). */
    public static Platform host() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : os.contains("windows") ? "windows" : os;
        return new Platform(osName, normaliseArchitecture(System.getProperty("os.arch")), "");
    }

    /** Maps JVM and kernel spellings of an architecture to Go's. */
    public static String normaliseArchitecture(String arch) {
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "i386", "i686", "x86", "386" -> "386";
            default -> arch.toLowerCase(Locale.ROOT);
        };
    }

    @Override
    public String toString() {
        return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
    }

    // Written out rather than generated: a record's generated equals and hashCode link through ObjectMethods'
    // bootstrap on first use, spinning method-handle classes that no class-data archive keeps (see the CLI's
    // speed notes in docs/design.md); this type is on every short command's path.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Platform other
                && Objects.equals(os, other.os)
                && Objects.equals(architecture, other.architecture)
                && Objects.equals(variant, other.variant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(os, architecture, variant);
    }
}
