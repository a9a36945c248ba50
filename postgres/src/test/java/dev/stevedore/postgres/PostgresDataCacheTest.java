package dev.stevedore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.ContainerDefinition;
import dev.stevedore.postgres.internal.PostgresDataCache;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresDataCacheTest {
    private static final String IMAGE = "sha256:" + "a".repeat(64);

    private static ContainerDefinition definition(String database, String script) {
        return Postgres.container("postgres:15", pg -> pg.database(database).initScript(script)).definition();
    }

    @Test
    void theKeyFollowsImageEnvironmentAndScripts() {
        String key = PostgresDataCache.key(IMAGE, definition("shop", "fixtures/schema.sql"));
        assertThat(key).hasSize(40).isEqualTo(PostgresDataCache.key(IMAGE, definition("shop", "fixtures/schema.sql")));
        assertThat(PostgresDataCache.key("sha256:" + "b".repeat(64), definition("shop", "fixtures/schema.sql"))).isNotEqualTo(key);
        assertThat(PostgresDataCache.key(IMAGE, definition("orders", "fixtures/schema.sql"))).isNotEqualTo(key);
        assertThat(PostgresDataCache.key(IMAGE, definition("shop", "fixtures/hello.txt"))).isNotEqualTo(key);
    }

    @Test
    void theDirectoryIsConfiguredOrUnderTheUsersCache() {
        assertThat(PostgresDataCache.directory(Map.of("STEVEDORE_POSTGRES_CACHE", "/srv/cache")::get)).isEqualTo(Path.of("/srv/cache"));
        assertThat(PostgresDataCache.directory(Map.of("STEVEDORE_POSTGRES_CACHE", "OFF")::get)).isNull();
        assertThat(PostgresDataCache.directory(Map.of("XDG_CACHE_HOME", "/home/u/.xdg")::get))
                .isEqualTo(Path.of("/home/u/.xdg/stevedore/postgres"));
        assertThat(PostgresDataCache.directory(Map.<String, String>of()::get))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "stevedore", "postgres"));
    }

    @Test
    void entriesAreStoredAtomicallyAndReadBack(@TempDir Path dir) throws IOException {
        Path entry = PostgresDataCache.entry(dir.resolve("nested"), "k", false);
        Path compressed = PostgresDataCache.entry(dir.resolve("nested"), "k", true);
        byte[] tar = dataDirectoryTar("data/PG_VERSION");
        PostgresDataCache.store(entry, new ByteArrayInputStream(tar), "data/PG_VERSION");
        PostgresDataCache.store(compressed, new ByteArrayInputStream(tar), "data/PG_VERSION");
        assertThat(Files.readAllBytes(entry)).isEqualTo(tar);
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(compressed))) {
            assertThat(in.readAllBytes()).isEqualTo(tar);
        }
        try (var files = Files.list(entry.getParent())) {
            assertThat(files).containsExactlyInAnyOrder(entry, compressed);
        }
    }

    @Test
    void aCopyWithoutTheDataIsNotKept(@TempDir Path dir) throws IOException {
        Path entry = PostgresDataCache.entry(dir, "k", true);
        byte[] empty = dataDirectoryTar("data/");
        assertThatThrownBy(() -> PostgresDataCache.store(entry, new ByteArrayInputStream(empty), "data/PG_VERSION"))
                .isInstanceOf(IOException.class).hasMessageContaining("holds no data/PG_VERSION");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    private static byte[] dataDirectoryTar(String name) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            var file = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
            byte[] content = name.endsWith("/") ? new byte[0] : "15\n".getBytes(StandardCharsets.UTF_8);
            file.setSize(content.length);
            tar.putArchiveEntry(file);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void shellInitScriptsAndMountedDataDirectoriesAreNotCached() {
        assertThat(Postgres.container("postgres:15", pg -> pg.initScript("fixtures/schema.sql")).cachesData()).isTrue();
        assertThat(Postgres.container("postgres:15", pg -> pg.initScript("fixtures/init.sh")).cachesData()).isFalse();
        assertThat(Postgres.container("postgres:15", pg -> pg.cacheData(false)).cachesData()).isFalse();
        assertThat(Postgres.container("postgres:15", pg -> pg.container(c -> c.volume("pgdata", "/var/lib/postgresql/data")))
                .cachesData()).isFalse();
    }

    @Test
    void theDataDirectoryIsInMemoryUnlessMountedRunAsAnotherUserOrToldNotTo() {
        assertThat(Postgres.container("postgres:15").dataInMemory()).isTrue();
        assertThat(Postgres.container("postgres:15", pg -> pg.dataInMemory(false)).dataInMemory()).isFalse();
        assertThat(Postgres.container("postgres:15", pg -> pg.container(c -> c.volume("pgdata", "/var/lib/postgresql/data")))
                .dataInMemory()).isFalse();
        assertThat(Postgres.container("postgres:15", pg -> pg.container(c -> c.user("postgres"))).dataInMemory()).isFalse();
    }
}
