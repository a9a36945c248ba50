package dev.stevedore.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --detach-keys}, as {@code run}, {@code exec} and {@code attach} take it; a malformed value is a usage error. */
final class DetachKeysOption {
    @Option(names = "--detach-keys", paramLabel = "KEYS", converter = Converter.class,
            description = "With a terminal, the keys that detach and leave the container running (default: ctrl-p,ctrl-q).")
    DetachKeys keys = DetachKeys.parse(DetachKeys.DEFAULT);

    /** Reads docker's notation, e.g. {@code ctrl-p,ctrl-q}. */
    static final class Converter implements ITypeConverter<DetachKeys> {
        @Override
        public DetachKeys convert(String value) {
            try {
                return DetachKeys.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
