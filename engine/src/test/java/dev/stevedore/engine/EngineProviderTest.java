package dev.stevedore.engine;

import dev.stevedore.engine.internal.docker.BuiltInEngines;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API package reaches its implementations only through the registered {@link EngineProvider}: no class of
 * {@code dev.stevedore.engine} names a class of an internal package, so the API and the engines form no cycle.
 */
class EngineProviderTest {
    @Test
    void factoriesFindTheEngineJarsProvider() {
        assertThat(InstalledEngineProvider.get()).isInstanceOf(BuiltInEngines.class);
    }

    @Test
    void apiPackageNamesNoInternalClass() throws IOException, URISyntaxException {
        Path api = Path.of(ContainerEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/stevedore/engine");
        List<Path> classes;
        try (Stream<Path> files = Files.list(api)) {
            classes = files.filter(f -> f.toString().endsWith(".class")).toList();
        }
        assertThat(classes).as("the API's compiled classes in %s", api).hasSizeGreaterThan(20);
        for (Path file : classes) {
            // a class's constant pool holds the internal name of every class it uses, in modified UTF-8 (ASCII here)
            String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(constants).as("classes %s uses", file.getFileName()).doesNotContain("dev/stevedore/engine/internal/");
        }
    }
}
