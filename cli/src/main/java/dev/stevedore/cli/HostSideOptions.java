package dev.stevedore.cli;

import dev.stevedore.engine.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * What the docker CLI reads on the client's side before it sends a container to the engine, done the same way by
 * {@code run} and {@code create}: a {@code -v} source relative to the working directory made absolute, and a
 * {@code --security-opt seccomp=FILE} replaced by the file's content. Malformed values are an
 * {@code IllegalArgumentException} whose message names the option.
 */
final class HostSideOptions {
    private HostSideOptions() {
    }

    /** {@code -v}: a path alone is an anonymous volume; {@code ./x} and {@code ../x} are host paths from here. */
    static Mount volume(String volume) {
        String[] parts = volume.split(":", -1);
        if (parts.length == 1 && volume.startsWith("/")) {
            return Mount.volume("", volume, false);
        }
        String source = parts[0];
        try {
            if (source.equals(".") || source.equals("..") || source.startsWith("./") || source.startsWith("../")) {
                // Docker resolves relative host paths against the working directory; a bare word stays a volume name.
                String absolute = Path.of(source).toAbsolutePath().normalize().toString();
                return Mount.parse(absolute + volume.substring(source.length()));
            }
            return Mount.parse(volume);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-v: " + e.getMessage(), e);
        }
    }

    /** {@code --security-opt}: {@code seccomp=FILE} sends the file's content, the form the engines take. */
    static String securityOpt(String option) {
        String value = option.startsWith("seccomp=") || option.startsWith("seccomp:") ? option.substring(8) : null;
        if (value == null || value.equals("unconfined") || value.equals("builtin") || value.trim().startsWith("{")) {
            return option;
        }
        try {
            return "seccomp=" + Files.readString(Path.of(value));
        } catch (IOException | InvalidPathException e) {
            throw new IllegalArgumentException("--security-opt " + option + ": cannot read the seccomp profile " + value + ": "
                    + e.getMessage(), e);
        }
    }
}
