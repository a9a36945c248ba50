package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.internal.network.NetworkManager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The environment a container's legacy links ({@link ContainerSpec#links()}) give it at start, as dockerd writes it:
 * {@code ALIAS_NAME}, {@code ALIAS_PORT} (the lowest exposed port), {@code ALIAS_PORT_<n>_<PROTO>} with
 * {@code _ADDR}, {@code _PORT} and {@code _PROTO} for each exposed port, {@code _START}/{@code _END} and
 * {@code _PORT_START}/{@code _PORT_END} for a run of three consecutive ports or more, and {@code ALIAS_ENV_<KEY>} for the linked
 * container's environment but {@code HOME} and {@code PATH}. The linked container must be running then. Only on the
 * default bridge, as dockerd: on a network a user made a link gives a name and nothing else.
 */
final class LinkEnvironment {
    private LinkEnvironment() {
    }

    /**
     * The link variables of {@code config} now; {@code states} gives another container's state.
     *
     * @throws ContainerEngineException in dockerd's words when a linked container does not run
     */
    static List<String> of(ContainerRecord config, ContainerStore store, Function<String, StateRecord> states,
                           NetworkManager networks) {
        List<String> env = new ArrayList<>();
        if (!"bridge".equals(config.networkMode())) {
            return env; // as dockerd: on a network a user made a link is a name only (see HostsFiles)
        }
        for (String link : config.spec().links()) {
            String name = Link.parse(link).container();
            String alias = Link.parse(link).alias();
            String linkedId = store.resolve(name);
            ContainerRecord linked = store.readConfig(linkedId).orElseThrow(() -> notRunning(name, config, alias));
            boolean running;
            try {
                running = states.apply(linkedId).running();
            } catch (ContainerEngineException e) {
                running = false; // never started: no state to read
            }
            if (!running) {
                throw notRunning(linked.name(), config, alias);
            }
            String address = sharedAddress(networks.addresses(config.id()), networks.addresses(linkedId));
            if (address == null) {
                continue; // on no network of this one: dockerd too gives the link's name only where they meet
            }
            env.addAll(variables(alias, "/" + config.name() + "/" + alias, address, linked.exposedPorts(), linked.env()));
        }
        return env;
    }

    /** dockerd's variables for one link; {@code ports} as {@code 5432/tcp}, {@code childEnv} as {@code KEY=value}. */
    static List<String> variables(String alias, String fullName, String address, List<String> ports, List<String> childEnv) {
        String prefix = alias.toUpperCase(Locale.ROOT).replace('-', '_');
        List<String> env = new ArrayList<>();
        env.add(prefix + "_NAME=" + fullName);
        List<Port> sorted = ports.stream().map(Port::parse)
                .sorted(Comparator.comparingInt(Port::number).thenComparing(p -> !p.proto().equals("tcp"))).toList();
        if (!sorted.isEmpty()) {
            Port first = sorted.get(0);
            env.add(prefix + "_PORT=" + first.proto() + "://" + address + ":" + first.number());
        }
        for (int i = 0; i < sorted.size(); ) {
            int j = lastContiguous(sorted, i);
            if (j > i + 1) { // as dockerd: a run of three entries or more
                Port from = sorted.get(i);
                Port to = sorted.get(j);
                String key = prefix + "_PORT_" + from.number() + "_" + from.proto().toUpperCase(Locale.ROOT);
                env.add(key + "_START=" + from.proto() + "://" + address + ":" + from.number());
                env.add(key + "_PORT_START=" + from.number());
                env.add(key + "_END=" + to.proto() + "://" + address + ":" + to.number());
                env.add(key + "_PORT_END=" + to.number());
            }
            i = j + 1;
        }
        for (Port p : sorted) {
            String key = prefix + "_PORT_" + p.number() + "_" + p.proto().toUpperCase(Locale.ROOT);
            env.add(key + "=" + p.proto() + "://" + address + ":" + p.number());
            env.add(key + "_ADDR=" + address);
            env.add(key + "_PORT=" + p.number());
            env.add(key + "_PROTO=" + p.proto());
        }
        for (String entry : childEnv) {
            int eq = entry.indexOf('=');
            String key = eq < 0 ? entry : entry.substring(0, eq);
            // as dockerd: the two a build sets are of no use to the linking container
            if (eq > 0 && !key.equals("HOME") && !key.equals("PATH")) {
                env.add(prefix + "_ENV_" + entry);
            }
        }
        return env;
    }

    /**
     * The index of the last entry of the run that starts at {@code index}, counted as dockerd counts it: each next
     * entry may be at most one above the count so far, whatever its protocol, so {@code 7000/tcp 7000/udp 7001/tcp}
     * is one run of three.
     */
    private static int lastContiguous(List<Port> ports, int index) {
        int value = ports.get(index).number();
        for (int i = index + 1; i < ports.size(); i++) {
            if (ports.get(i).number() > value + 1) {
                return i - 1;
            }
            value++;
        }
        return ports.size() - 1;
    }

    /** The linked container's address on the first network of this one where it has one, or {@code null}. */
    private static String sharedAddress(Map<String, String> mine, Map<String, String> linked) {
        for (String network : mine.keySet()) {
            String address = linked.get(network);
            if (address != null && !address.isEmpty()) {
                return address;
            }
        }
        return null;
    }

    private static ContainerEngineException notRunning(String name, ContainerRecord config, String alias) {
        return new ContainerEngineException("Cannot link to a non running container: /" + name + " AS /" + config.name()
                + "/" + alias);
    }

    private record Port(int number, String proto) {
        static Port parse(String port) {
            int slash = port.indexOf('/');
            return new Port(Integer.parseInt(slash < 0 ? port : port.substring(0, slash)),
                    slash < 0 ? "tcp" : port.substring(slash + 1).toLowerCase(Locale.ROOT));
        }
    }
}
