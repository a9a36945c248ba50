package dev.stevedore.cli;

import dev.stevedore.engine.Platform;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --platform os/arch[/variant]}; a malformed value is a usage error. */
final class PlatformConverter implements ITypeConverter<Platform> {
    @Override
    public Platform convert(String value) {
        try {
            return Platform.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
