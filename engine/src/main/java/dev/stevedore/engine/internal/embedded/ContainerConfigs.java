package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.internal.network.NetworkMode;
import dev.stevedore.engine.internal.runtime.Signals;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a request and its image's config make a container's config, by Docker's rules (moby's
 * {@code daemon/create.go} merge and {@code oci_linux.go}). Pure functions: no I/O.
 */
final class ContainerConfigs {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private ContainerConfigs() {
    }

    /** Entrypoint and cmd as the container runs them. */
    record Command(List<String> entrypoint, List<String> cmd) {
        List<String> args() {
            List<String> all = new ArrayList<>(entrypoint);
            all.addAll(cmd);
            return all;
        }
    }

    /**
     * Docker's rule: a requested entrypoint replaces the image's and drops the image's cmd (unless the
     * request gives one); an empty requested entrypoint ({@code --entrypoint ""}) clears the image's and
     * keeps its cmd; a requested cmd replaces the image's.
     */
    static Command command(ContainerSpec spec, ImageConfig image) {
        List<String> entrypoint = spec.entrypoint();
        List<String> cmd = spec.cmd() == null ? List.of() : spec.cmd();
        if (entrypoint == null || entrypoint.isEmpty() || (entrypoint.size() == 1 && entrypoint.get(0).isEmpty())) {
            if (cmd.isEmpty()) {
                cmd = image.cmd();
            }
            entrypoint = entrypoint == null ? image.entrypoint() : List.of();
        }
        Command command = new Command(entrypoint, cmd);
        if (command.args().isEmpty() || command.args().get(0).isEmpty()) {
            throw new ContainerEngineException("container of " + spec.image() + " has no command: the image has neither "
                    + "ENTRYPOINT nor CMD and the request names none — give one with cmd(...) or entrypoint(...)");
        }
        return command;
    }

    /** The image's env with the request's on top (by key), and Docker's PATH when neither sets one. */
    static List<String> env(ContainerSpec spec, ImageConfig image) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String entry : image.env()) {
            put(merged, entry);
        }
        for (String entry : spec.env()) {
            put(merged, entry);
        }
        List<String> env = new ArrayList<>(merged.values());
        if (!merged.containsKey("PATH")) {
            env.add(0, DEFAULT_PATH);
        }
        return env;
    }

    private static void put(Map<String, String> env, String entry) {
        int eq = entry.indexOf('=');
        String key = eq < 0 ? entry : entry.substring(0, eq);
        env.put(key, eq < 0 ? key + "=" : entry); // a replaced variable keeps its place, as in Docker's merge
    }

    /**
     * The environment a process gets, as dockerd builds it: Docker's PATH, HOSTNAME, {@code TERM=xterm} when the process
     * has a terminal, the links' variables, then the container's own, each replacing one of those in its place.
     */
    static List<String> processEnv(String hostname, boolean tty, List<String> linkEnv, List<String> env) {
        List<String> base = new ArrayList<>();
        base.add(DEFAULT_PATH);
        base.add("HOSTNAME=" + hostname);
        if (tty) {
            base.add("TERM=xterm");
        }
        base.addAll(linkEnv);
        return override(base, env);
    }

    /** {@code base} with {@code overrides} replacing entries by key. */
    static List<String> override(List<String> base, List<String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String entry : base) {
            put(merged, entry);
        }
        for (String entry : overrides) {
            put(merged, entry);
        }
        return new ArrayList<>(merged.values());
    }

    /** The working directory: the request's, else the image's, else {@code /}; normalised, always absolute. */
    static String workingDir(ContainerSpec spec, ImageConfig image) {
        String dir = spec.workingDir() != null && !spec.workingDir().isEmpty() ? spec.workingDir() : image.workingDir();
        if (dir.isEmpty()) {
            return "/";
        }
        if (!dir.startsWith("/")) {
            throw new ContainerEngineException("the working directory \"" + dir + "\" of a container of " + spec.image()
                    + " is invalid: it needs to be an absolute path");
        }
        return normalize(dir);
    }

    /** An absolute container path without {@code .}, {@code ..}, doubled or trailing slashes. */
    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** The user string the container runs as; empty means root. */
    static String user(ContainerSpec spec, ImageConfig image) {
        return spec.user() != null ? spec.user() : image.user();
    }

    /** The hostname: the request's, else the host's one in host network mode, else the id's first 12 digits. */
    static String hostname(ContainerSpec spec, String id, boolean hostNetwork, String hostsHostname) {
        if (spec.hostname() != null && !spec.hostname().isEmpty()) {
            return spec.hostname();
        }
        return hostNetwork ? hostsHostname : id.substring(0, 12);
    }

    static Map<String, String> labels(ContainerSpec spec, ImageConfig image) {
        Map<String, String> labels = new LinkedHashMap<>(image.labels());
        labels.putAll(spec.labels());
        return labels;
    }

    /** The stop signal's canonical name: the request's, else the image's, else SIGTERM. */
    static String stopSignal(ContainerSpec spec, ImageConfig image) {
        String given = spec.stopSignal() != null ? spec.stopSignal() : image.stopSignal();
        if (given == null || given.isEmpty()) {
            return "SIGTERM";
        }
        try {
            return Signals.name(Signals.parse(given));
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("invalid stop signal for a container of " + spec.image() + ": " + e.getMessage());
        }
    }

    static Duration stopTimeout(ContainerSpec spec) {
        return spec.stopTimeout() != null ? spec.stopTimeout() : DEFAULT_STOP_TIMEOUT;
    }

    /**
     * The network mode: {@code bridge} (the default network) when the spec names none, else {@code host},
     * {@code none} or a network's name or id, which the network manager checks.
     *
     * @throws ContainerEngineException for published ports without a network to publish from
     */
    static String networkMode(ContainerSpec spec, ImageConfig image) {
        String mode = spec.networkMode() == null || spec.networkMode().isEmpty() || spec.networkMode().equals("default")
                ? "bridge" : spec.networkMode();
        boolean publishes = !spec.ports().isEmpty()
                || spec.publishAllPorts() && !(image.exposedPorts().isEmpty() && spec.exposedPorts().isEmpty());
        if (NetworkMode.of(mode) == NetworkMode.NONE && publishes) {
            throw new ContainerEngineException("a container of " + spec.image() + " with network mode none cannot publish"
                    + " ports: it has no network to publish from; leave the network mode out or name a network");
        }
        return mode;
    }

    static List<String> exposedPorts(ContainerSpec spec, ImageConfig image) {
        Set<String> ports = new TreeSet<>(image.exposedPorts());
        for (String port : spec.exposedPorts()) {
            ports.add(port.contains("/") ? port : port + "/tcp");
        }
        return List.copyOf(ports);
    }

    static long nanoCpus(double cpus) {
        return Math.round(cpus * 1e9);
    }

    /**
     * The mounts before volumes become directories: the request's, then each image VOLUME the request
     * does not cover as an anonymous volume (in path order).
     */
    static List<Mount> mounts(ContainerSpec spec, ImageConfig image) {
        Set<String> targets = new LinkedHashSet<>();
        List<Mount> mounts = new ArrayList<>();
        for (Mount mount : spec.mounts()) {
            Mount normalized = new Mount(mount.type(), mount.source(), normalize(mount.target()), mount.readOnly(),
                    mount.options());
            if (!targets.add(normalized.target())) {
                throw new ContainerEngineException("duplicate mount point " + normalized.target() + " in a container of "
                        + spec.image());
            }
            if (normalized.target().equals("/")) {
                throw new ContainerEngineException("a mount over / is not allowed (container of " + spec.image() + ")");
            }
            mounts.add(normalized);
        }
        for (String volume : new TreeSet<>(image.volumes())) {
            String target = normalize(volume);
            if (!target.equals("/") && targets.add(target)) {
                mounts.add(Mount.volume("", target, false));
            }
        }
        return mounts;
    }
}
