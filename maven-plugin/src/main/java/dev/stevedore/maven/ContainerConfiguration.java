package dev.stevedore.maven;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code <container>} of the {@code start} goal's configuration, as Maven fills it in from the POM:
 *
 * <pre>{@code
 * <container>
 *   <id>cache</id>                              <!-- the properties' prefix: stevedore.cache.host, ... -->
 *   <image>redis:7</image>
 *   <env><MODE>test</MODE></env>
 *   <ports><port>6379</port></ports>            <!-- published on an ephemeral host port: stevedore.cache.port.6379 -->
 *   <command><arg>redis-server</arg><arg>--save</arg><arg></arg></command>
 *   <wait><log>Ready to accept connections</log></wait>
 * </container>
 * }</pre>
 *
 * <p>A {@code <postgres>} element makes it a ready-made PostgreSQL (image's contract, readiness by login,
 * {@code stevedore.<id>.jdbcUrl} and friends); {@code <ports>} and {@code <wait>} are then implied.
 *
 * <p>Maven sets the fields by reflection, so they stay mutable; {@code start} reads them once, validates them
 * with the container's id in every message, and keeps nothing of this object afterwards.
 */
public class ContainerConfiguration {
    /** Names the container in the exported properties ({@code stevedore.<id>.*}); letters, digits, '-', '_' and '.'. */
    String id;
    /** The image, as {@code docker run} takes it. */
    String image;
    /** Environment variables, one element per variable. */
    Map<String, String> env = new LinkedHashMap<>();
    /** Container ports published on ephemeral host ports. */
    List<Integer> ports = new ArrayList<>();
    /** The command and its arguments, instead of the image's. */
    List<String> command = new ArrayList<>();
    /** When the container counts as ready; without one, as soon as it runs (or, for PostgreSQL, when a login answers). */
    WaitConfiguration wait;
    /** How long starting may take, as {@code 90s}, {@code 2m} or ISO-8601 ({@code PT90S}); default 60 s. */
    String startupTimeout;
    /** The PostgreSQL shortcut. */
    PostgresConfiguration postgres;

    /** For Maven. */
    public ContainerConfiguration() {
    }

    /** The id as configured, or {@code null}. */
    public String getId() {
        return id;
    }

    /** The image as configured, or {@code null}. */
    public String getImage() {
        return image;
    }
}
