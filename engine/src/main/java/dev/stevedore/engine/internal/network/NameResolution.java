package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ExtraHost;

import java.util.List;

/**
 * What a container's {@code /etc/hosts} and {@code /etc/resolv.conf} get beyond the engine's own entries, as
 * {@code docker run --add-host}, {@code --dns}, {@code --dns-search} and {@code --dns-option} give it. Kept in the
 * container's network record, since its hosts file is rewritten whenever a peer comes or goes.
 *
 * @param extraHosts {@code name:address} entries, {@link ExtraHost#HOST_GATEWAY} allowed as the address
 * @param dns        name servers instead of the host's
 * @param dnsSearch  search domains instead of the host's ({@code .} alone: none)
 * @param dnsOptions resolver options instead of the host's
 * @param hostPorts  ports of the host's loopback the container reaches as {@value NetworkManager#HOST_ALIAS}
 *                   through its host relay ({@link HostServices}); when there are any, that name is the relay's address
 * @param links      legacy links as {@code CONTAINER_ID:ALIAS}: the linked container's line in the hosts file, under
 *                   ALIAS, its hostname and its name, wherever the two share a network
 * @param domainname the container's domain ({@code docker run --domainname}): its own line in the hosts file starts
 *                   with {@code HOSTNAME.DOMAIN}, as dockerd writes it; empty for none
 */
public record NameResolution(List<String> extraHosts, List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
                             List<Integer> hostPorts, List<String> links, String domainname) {
    /** Nothing beyond the engine's own: the host's resolver configuration, no extra hosts. */
    public static final NameResolution NONE = new NameResolution(List.of(), List.of(), List.of(), List.of());

    /** Without host ports. */
    public NameResolution(List<String> extraHosts, List<String> dns, List<String> dnsSearch, List<String> dnsOptions) {
        this(extraHosts, dns, dnsSearch, dnsOptions, List.of(), List.of(), "");
    }

    public NameResolution {
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        dns = dns == null ? List.of() : List.copyOf(dns);
        dnsSearch = dnsSearch == null ? List.of() : List.copyOf(dnsSearch);
        dnsOptions = dnsOptions == null ? List.of() : List.copyOf(dnsOptions);
        hostPorts = hostPorts == null ? List.of() : List.copyOf(hostPorts); // absent in records written before it
        links = links == null ? List.of() : List.copyOf(links); // absent in records written before them
        domainname = domainname == null ? "" : domainname; // absent in records written before it
    }

    /** Whether the resolver configuration is the request's rather than the host's. */
    boolean ownResolver() {
        return !dns.isEmpty() || !dnsSearch.isEmpty() || !dnsOptions.isEmpty();
    }
}
