package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Hands out subnets to networks and addresses to containers. A subnet must not overlap another network's, a
 * route where the bridges live ({@link BridgeWiring#routes()}), or Docker's and Podman's default ranges; an
 * address is the next free one after the last handed out, so a freed address is not reused at once (a peer's
 * cached entry would reach the wrong container).
 */
final class AddressPool {
    /** Docker's default bridge and address pools, Podman's default and first user networks. */
    private static final List<Subnet> RESERVED = List.of(Subnet.parse("172.16.0.0/12"), Subnet.parse("192.168.0.0/16"),
            Subnet.parse("10.88.0.0/16"), Subnet.parse("10.89.0.0/16"));

    private final NetworkSettings settings;

    AddressPool(NetworkSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A free subnet of the pool: clear of {@code networks}, of {@code routes} and of the reserved ranges. */
    Subnet allocateSubnet(List<NetworkRecord> networks, List<HostRoutes.Route> routes) {
        List<Subnet> taken = new ArrayList<>();
        networks.forEach(n -> taken.add(n.parsedSubnet()));
        routes.forEach(r -> taken.add(r.destination()));
        for (String range : settings.pool()) {
            Subnet pool = Subnet.parse(range);
            int prefix = Math.max(settings.subnetPrefixLength(), pool.prefixLength());
            long step = 1L << (32 - prefix);
            for (long base = Integer.toUnsignedLong(pool.base()); base <= Integer.toUnsignedLong(pool.last()); base += step) {
                Subnet candidate = new Subnet((int) base, prefix);
                if (RESERVED.stream().noneMatch(candidate::overlaps) && taken.stream().noneMatch(candidate::overlaps)) {
                    return candidate;
                }
            }
        }
        throw new ContainerEngineException("no free subnet left in the network pool " + settings.pool() + ": each /"
                + settings.subnetPrefixLength() + " overlaps a route of the host or another network; remove unused networks"
                + " or set STEVEDORE_NETWORK_POOL to another range");
    }

    /** The subnet a user asked for network {@code name}, once it is valid and overlaps nothing. */
    static Subnet checkSubnet(String name, String cidr, List<NetworkRecord> networks, List<HostRoutes.Route> routes) {
        Subnet subnet;
        try {
            subnet = Subnet.parse(cidr);
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("creating network \"" + name + "\" failed: " + e.getMessage(), e);
        }
        if (subnet.prefixLength() > 30 || subnet.prefixLength() < 8) {
            throw new ContainerEngineException("creating network \"" + name + "\" failed: subnet " + subnet
                    + " must have a prefix length between /8 and /30");
        }
        for (NetworkRecord n : networks) {
            if (n.parsedSubnet().overlaps(subnet)) {
                throw new ContainerEngineException("creating network \"" + name + "\" failed: subnet " + subnet
                        + " overlaps network \"" + n.name() + "\" (" + n.subnet() + ")");
            }
        }
        for (HostRoutes.Route r : routes) {
            if (r.destination().overlaps(subnet)) {
                throw new ContainerEngineException("creating network \"" + name + "\" failed: subnet " + subnet
                        + " overlaps the host's route to " + r.destination() + " on " + r.device() + "; choose another subnet");
            }
        }
        return subnet;
    }

    /**
     * Checks that a static address may be asked for on {@code network}, before any container holds it: a network a
     * user made, and an address of its subnet's hosts. dockerd's words, so that a client sees the same error.
     */
    static void checkStatic(NetworkRecord network, String address) {
        if (network.predefined()) {
            throw new ContainerEngineException("user specified IP address is supported on user defined networks only;"
                    + " create a network (with --subnet) and put the container on it");
        }
        int a = Subnet.parseAddress(address);
        Subnet subnet = network.parsedSubnet();
        if (Integer.compareUnsigned(a, subnet.gateway()) < 0 || Integer.compareUnsigned(a, subnet.lastHost()) > 0) {
            throw new ContainerEngineException("Invalid address " + address + ": It does not belong to any of this network's"
                    + " subnets (network \"" + network.name() + "\" is " + network.subnet() + ")");
        }
    }

    /**
     * The static address {@code address} for container {@code containerId} on {@code network}, once it is valid there
     * ({@link #checkStatic}) and neither the gateway nor held by another member.
     */
    static int claimAddress(NetworkRecord network, String containerId, String address) {
        checkStatic(network, address);
        int a = Subnet.parseAddress(address);
        boolean held = a == network.parsedSubnet().gateway() || network.members().entrySet().stream()
                .anyMatch(e -> !e.getKey().equals(containerId) && address.equals(e.getValue().address()));
        if (held) {
            throw new ContainerEngineException("Address already in use: " + address + " on network \"" + network.name()
                    + "\" is " + (a == network.parsedSubnet().gateway() ? "its gateway" : "held by another container")
                    + "; choose another address or leave --ip out");
        }
        return a;
    }

    /** The next free address of {@code network} after the one it handed out last. */
    static int allocateAddress(NetworkRecord network) {
        Subnet subnet = network.parsedSubnet();
        Set<Integer> used = new HashSet<>();
        network.members().values().stream().map(Member::address).filter(Objects::nonNull)
                .forEach(a -> used.add(Subnet.parseAddress(a)));
        // a stopped member's static address stays its own, so that its next start finds it free
        network.members().values().stream().map(Member::staticAddress).filter(Objects::nonNull)
                .forEach(a -> used.add(Subnet.parseAddress(a)));
        long first = Integer.toUnsignedLong(subnet.firstHost());
        long last = Integer.toUnsignedLong(subnet.lastHost());
        long count = last - first + 1;
        long previous = Integer.toUnsignedLong(network.lastAllocated());
        long start = previous >= first && previous <= last ? previous + 1 - first : 0;
        for (long i = 0; i < count; i++) {
            int candidate = (int) (first + (start + i) % count);
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new ContainerEngineException("network \"" + network.name() + "\" (" + network.subnet()
                + ") has no free address left: " + used.size() + " containers are on it");
    }
}
