package dev.stevedore.engine.internal.network;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the embedded engine lays out its networks.
 *
 * @param pool               ranges (CIDR) that subnets are carved from when a network does not name its own;
 *                           subnets that overlap a route of the host, another network, or Docker's and
 *                           Podman's default ranges are skipped ({@code STEVEDORE_NETWORK_POOL}, comma separated)
 * @param subnetPrefixLength the size of each carved subnet, 16 to 28 ({@code STEVEDORE_NETWORK_PREFIX})
 * @param lockFile           the host-wide lock every engine on this machine takes while it changes
 *                           bridges, veths and addresses: subnets and interface names are the host's, not
 *                           one state directory's ({@code STEVEDORE_NETWORK_LOCK})
 */
public record NetworkSettings(List<String> pool, int subnetPrefixLength, Path lockFile) {
    /** Carved into /24s; clear of Docker's 172.17-31/16 and 192.168/16 pools, Podman's 10.88-89/16 and Kubernetes' usual ranges. */
    public static final String DEFAULT_POOL = "10.199.0.0/16";
    public static final Path DEFAULT_LOCK = Path.of("/run/stevedore/network.lock");

    public NetworkSettings {
        pool = List.copyOf(pool);
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("the network pool is empty: give at least one range such as " + DEFAULT_POOL);
        }
        pool.forEach(Subnet::parse);
        if (subnetPrefixLength < 16 || subnetPrefixLength > 28) {
            throw new IllegalArgumentException("subnet prefix length " + subnetPrefixLength + " is not between 16 and 28");
        }
        Objects.requireNonNull(lockFile, "lockFile");
    }

    public static NetworkSettings defaults() {
        return new NetworkSettings(List.of(DEFAULT_POOL), 24, defaultLock());
    }

    /** {@link #DEFAULT_LOCK} as root; an ordinary user's engines lock in the user's private runtime directory. */
    static Path defaultLock() {
        return dev.stevedore.engine.internal.os.Privileges.isRoot() ? DEFAULT_LOCK
                : dev.stevedore.engine.EngineSettings.createRuntimeDirectory().resolve("network.lock");
    }

    /** Settings from {@code STEVEDORE_NETWORK_*} variables (system properties first), defaults for the rest. */
    public static NetworkSettings fromEnvironment() {
        return from(name -> {
            String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
            return property != null ? property : System.getenv(name);
        });
    }

    static NetworkSettings from(Function<String, String> variables) {
        String pool = variables.apply("STEVEDORE_NETWORK_POOL");
        String prefix = variables.apply("STEVEDORE_NETWORK_PREFIX");
        String lock = variables.apply("STEVEDORE_NETWORK_LOCK");
        return new NetworkSettings(
                pool == null || pool.isBlank() ? List.of(DEFAULT_POOL)
                        : Arrays.stream(pool.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                prefix == null || prefix.isBlank() ? 24 : Integer.parseInt(prefix.trim()),
                lock == null || lock.isBlank() ? defaultLock() : Path.of(lock.trim()));
    }

    /** The same settings with another pool (tests give each run its own range). */
    public NetworkSettings withPool(String... ranges) {
        return new NetworkSettings(List.of(ranges), subnetPrefixLength, lockFile);
    }
}
