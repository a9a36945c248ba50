package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeBootTest {
    private static final String RESOURCE = "/com/sun/jna/linux-x86-64/libjnidispatch.so";

    @TempDir
    Path cache;

    private static Properties linux() {
        Properties properties = new Properties();
        properties.setProperty("os.name", "Linux");
        properties.setProperty("os.arch", "amd64");
        return properties;
    }

    @Test
    void pointsJnaAtOneCopyOfItsNativePartInTheCacheAndSkipsTheLdconfigRun() throws IOException {
        Properties properties = linux();

        NativeBoot.prepare(properties, Map.of("XDG_CACHE_HOME", cache.toString())::get);

        Path directory = Path.of(properties.getProperty(NativeBoot.BOOT_PATH));
        assertThat(directory).startsWith(cache.resolve("stevedore"));
        assertThat(directory.getFileName().toString()).startsWith("jna-");
        try (InputStream jar = NativeBoot.class.getResourceAsStream(RESOURCE)) {
            assertThat(Files.readAllBytes(directory.resolve("libjnidispatch.so"))).isEqualTo(jar.readAllBytes());
        }
        assertThat(properties.getProperty(NativeBoot.PLATFORM_PATH)).contains("/usr/lib/x86_64-linux-gnu");
        try (var files = Files.list(directory)) {
            assertThat(files).as("no partial copy left behind").hasSize(1);
        }
    }

    @Test
    void aSecondRunUsesTheCopyAsItIs() throws IOException {
        NativeBoot.prepare(linux(), Map.of("XDG_CACHE_HOME", cache.toString())::get);
        Properties second = linux();
        Path copy = Files.list(cache.resolve("stevedore")).findFirst().orElseThrow().resolve("libjnidispatch.so");
        var written = Files.getLastModifiedTime(copy);

        NativeBoot.prepare(second, Map.of("XDG_CACHE_HOME", cache.toString())::get);

        assertThat(second.getProperty(NativeBoot.BOOT_PATH)).isEqualTo(copy.getParent().toString());
        assertThat(Files.getLastModifiedTime(copy)).isEqualTo(written);
    }

    @Test
    void propertiesAlreadySetAreKept() {
        Properties properties = linux();
        properties.setProperty(NativeBoot.BOOT_PATH, "/opt/jna");
        properties.setProperty(NativeBoot.PLATFORM_PATH, "/opt/lib");

        NativeBoot.prepare(properties, Map.of("XDG_CACHE_HOME", cache.toString())::get);

        assertThat(properties.getProperty(NativeBoot.BOOT_PATH)).isEqualTo("/opt/jna");
        assertThat(properties.getProperty(NativeBoot.PLATFORM_PATH)).isEqualTo("/opt/lib");
    }

    @Test
    void withoutACacheDirectoryJnaExtractsAsItAlwaysDid() throws IOException {
        Properties properties = linux();
        Path file = Files.createFile(cache.resolve("not-a-directory"));

        NativeBoot.prepare(properties, Map.of("XDG_CACHE_HOME", file.toString())::get);
        NativeBoot.prepare(properties, name -> null);

        assertThat(properties.getProperty(NativeBoot.BOOT_PATH)).isNull();
    }

    @Test
    void theCacheIsTheLaunchersXdgCacheHomeElseHomesDotCache() {
        assertThat(NativeBoot.cacheDirectory(Map.of("XDG_CACHE_HOME", "/x", "HOME", "/h")::get))
                .isEqualTo(Path.of("/x/stevedore"));
        assertThat(NativeBoot.cacheDirectory(Map.of("HOME", "/h")::get)).isEqualTo(Path.of("/h/.cache/stevedore"));
        assertThat(NativeBoot.cacheDirectory(Map.of("XDG_CACHE_HOME", "relative")::get)).isNull();
    }

    @Test
    void onlyLinuxIsTouched() {
        Properties properties = linux();
        properties.setProperty("os.name", "Mac OS X");

        NativeBoot.prepare(properties, Map.of("XDG_CACHE_HOME", cache.toString())::get);

        assertThat(properties.getProperty(NativeBoot.BOOT_PATH)).isNull();
        assertThat(properties.getProperty(NativeBoot.PLATFORM_PATH)).isNull();
    }
}
