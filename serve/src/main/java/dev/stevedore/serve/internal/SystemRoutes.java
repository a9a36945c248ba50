package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Platform;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code /_ping}, {@code /version}, {@code /info} and {@code /events}: what clients ask before anything else,
 * to agree on a version and to check they talk to a Linux engine; and {@code /auth}, which {@code docker login} asks.
 */
final class SystemRoutes {
    private final ServeState state;

    SystemRoutes(ServeState state) {
        this.state = state;
    }

    void register(Router router) {
        router.add("GET", "/_ping", this::ping)
                .add("HEAD", "/_ping", this::ping)
                .add("GET", "/version", this::version)
                .add("GET", "/info", this::info)
                .add("GET", "/events", this::events)
                .add("POST", "/auth", this::auth);
    }

    private void ping(Exchange x) throws IOException {
        x.response().header("Cache-Control", "no-cache, no-store, must-revalidate").header("Pragma", "no-cache")
                .header("Swarm", "inactive")
                .send(200, "text/plain; charset=utf-8", "OK".getBytes(StandardCharsets.US_ASCII));
    }

    private void version(Exchange x) throws IOException {
        Platform host = Platform.host();
        String kernel = kernelVersion();
        ObjectNode details = Json.object().put("ApiVersion", DockerApiVersions.CURRENT).put("MinAPIVersion", DockerApiVersions.MINIMUM)
                .put("GitCommit", "stevedore").put("GoVersion", "java" + Runtime.version().feature()).put("Os", "linux")
                .put("Arch", host.architecture()).put("KernelVersion", kernel).put("BuildTime", "").put("Experimental", "false");
        ObjectNode doc = Json.object();
        doc.set("Platform", Json.object().put("Name", "Stevedore Engine"));
        ArrayNode components = doc.putArray("Components");
        components.addObject().put("Name", "Engine").put("Version", DockerApiVersions.SERVER_VERSION).set("Details", details);
        doc.put("Version", DockerApiVersions.SERVER_VERSION)
                .put("ApiVersion", DockerApiVersions.CURRENT)
                .put("MinAPIVersion", DockerApiVersions.MINIMUM)
                .put("GitCommit", "stevedore")
                .put("GoVersion", "java" + Runtime.version().feature())
                .put("Os", "linux")
                .put("Arch", host.architecture())
                .put("KernelVersion", kernel)
                .put("BuildTime", "");
        x.response().json(200, doc);
    }

    /**
     * dockerd's {@code POST /auth}: checks the credentials with the registry and stores nothing (the client writes its
     * config.json). Refused credentials are a 401 with the registry's message, as dockerd answers.
     */
    private void auth(Exchange x) throws IOException {
        JsonNode body = x.body();
        String username = body == null ? "" : body.path("username").asText("");
        String password = body == null ? "" : body.path("password").asText("");
        String server = body == null ? "" : body.path("serveraddress").asText("");
        if (username.isEmpty() || password.isEmpty()) {
            throw ApiException.badRequest("a login needs a username and a password");
        }
        dev.stevedore.engine.RegistryLoginResult result = state.engine.login(server, username, password);
        x.response().json(200, Json.object().put("IdentityToken", result.identityToken() == null ? "" : result.identityToken())
                .put("Status", result.status()));
    }

    private void info(Exchange x) throws IOException {
        List<ContainerInfo> containers = state.engine.containers(true, java.util.Map.of());
        long running = containers.stream().filter(c -> c.state().running()).count();
        Platform host = Platform.host();
        dev.stevedore.engine.EngineInfo engine = state.engine.info();
        boolean embedded = engine.name().equals("embedded");
        boolean rootless = engine.rootless();
        ObjectNode doc = Json.object();
        doc.put("ID", "stevedore")
                .put("Containers", containers.size())
                .put("ContainersRunning", running)
                .put("ContainersPaused", 0)
                .put("ContainersStopped", containers.size() - running)
                .put("Images", state.engine.images().size())
                .put("Driver", "overlay2");
        doc.set("DriverStatus", Json.array());
        doc.set("Plugins", Json.object().<ObjectNode>set("Volume", Json.strings(List.of("local")))
                .<ObjectNode>set("Network", Json.strings(List.of("bridge", "host", "null")))
                .<ObjectNode>set("Log", Json.strings(List.of("json-file")))
                .set("Authorization", null));
        doc.put("MemoryLimit", true).put("SwapLimit", false).put("CpuCfsPeriod", true).put("CpuCfsQuota", true)
                .put("IPv4Forwarding", true).put("Debug", false).put("NFd", openFiles()).put("OomKillDisable", false)
                .put("NGoroutines", Thread.activeCount()).put("SystemTime", Json.time(java.time.Instant.now()))
                .put("LoggingDriver", "json-file").put("CgroupDriver", "cgroupfs").put("CgroupVersion", cgroupVersion())
                .put("NEventsListener", 0).put("KernelVersion", kernelVersion()).put("OperatingSystem", operatingSystem())
                .put("OSVersion", "").put("OSType", "linux").put("Architecture", architecture(host))
                .put("IndexServerAddress", "https://index.docker.io/v1/")
                .put("NCPU", Runtime.getRuntime().availableProcessors()).put("MemTotal", memTotal())
                .put("DockerRootDir", embedded ? engine.location() : "/var/lib/stevedore").put("Name", hostName())
                .put("ExperimentalBuild", false).put("ServerVersion", DockerApiVersions.SERVER_VERSION)
                .put("InitBinary", "").put("DefaultRuntime", "stevedore").put("LiveRestoreEnabled", false)
                .put("Isolation", "").put("ProductLicense", "Apache-2.0");
        doc.set("Labels", Json.array());
        doc.set("RegistryConfig", Json.object().<ObjectNode>set("IndexConfigs", Json.object())
                .set("InsecureRegistryCIDRs", Json.array()));
        doc.set("Swarm", Json.object().put("NodeID", "").put("NodeAddr", "").put("LocalNodeState", "inactive")
                .put("ControlAvailable", false).put("Error", "").set("RemoteManagers", null));
        doc.set("Runtimes", Json.object().set("stevedore", Json.object().put("path", "stevedore")));
        // rootless dockerd says so here, and clients (the docker CLI, Testcontainers' checks) read it from here
        doc.set("SecurityOptions", Json.strings(rootless ? List.of("name=seccomp,profile=builtin", "name=rootless")
                : List.of("name=seccomp,profile=builtin")));
        doc.set("Warnings", Json.array());
        x.response().json(200, doc);
    }

    /** dockerd's rule: "2" only on a host whose /sys/fs/cgroup is the unified hierarchy, "1" on a v1 or hybrid one. */
    static String cgroupVersion() {
        return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1";
    }

    /**
     * The engine's events, filtered by {@code type}, {@code container} (id or name), {@code event}, {@code image} and
     * {@code label}: with {@code since}, first those the engine recorded from then on ({@link
     * dev.stevedore.engine.ContainerEngine#pastEvents}), then those that happen, until the client leaves, or until
     * {@code until} when given (a past {@code until} gives the record alone and ends).
     */
    private void events(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        Instant since = ContainerStreams.since(x.request().query("since"));
        Instant until = ContainerStreams.since(x.request().query("until"));
        x.response().closeAfter();
        java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
        // Watching before the answer's head goes out: a client takes the head as "subscribed" (the Docker client
        // returns from events() on it), so an event between the two would be lost to it.
        try (EventFeed.Watch watch = state.events().watch(event -> true)) {
            OutputStream out = x.response().stream(200, HttpResponse.JSON);
            x.connection().watchForClose(() -> {
                gone.set(true);
                watch.wake();
            });
            // the record and the watch overlap for events that came while both were read: each is sent once
            java.util.Set<dev.stevedore.engine.EngineEvent> replayed = new java.util.HashSet<>();
            if (since != null) {
                for (dev.stevedore.engine.EngineEvent past : state.engine.pastEvents(since, until)) {
                    replayed.add(past);
                    send(out, filters, past);
                }
            }
            while (!gone.get() && !state.closed()) {
                java.time.Duration left = until == null ? null : java.time.Duration.between(Instant.now(), until);
                if (left != null && left.isNegative()) {
                    return;
                }
                java.util.Optional<dev.stevedore.engine.EngineEvent> next = watch.next(left);
                if (next.isEmpty()) {
                    continue; // woken (the client left, the server closes) or until reached: the loop says which
                }
                if (!replayed.remove(next.get()) && (since == null || !next.get().time().isBefore(since))) {
                    send(out, filters, next.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client left
        }
    }

    private static void send(OutputStream out, Filters filters, dev.stevedore.engine.EngineEvent engineEvent) throws IOException {
        ObjectNode event = EventFeed.document(engineEvent);
        if (matches(filters, event)) {
            byte[] json = Json.bytes(event);
            byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            out.write(line);
            out.flush();
        }
    }

    /** An action as written, and without what follows its colon. */
    private static List<String> actionNames(String action) {
        int colon = action.indexOf(':');
        return colon < 0 ? List.of(action) : List.of(action, action.substring(0, colon));
    }

    static boolean matches(Filters filters, ObjectNode event) {
        JsonNode attributes = event.path("Actor").path("Attributes");
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        attributes.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return filters.matchesAny("type", List.of(event.path("Type").asText()), String::equals)
                // as dockerd: event=exec_start matches "exec_start: sh -c true" too
                && filters.matchesAny("event", actionNames(event.path("Action").asText()), String::equals)
                && filters.matchesAny("container", List.of(event.path("Actor").path("ID").asText(), attributes.path("name").asText()),
                        (wanted, candidate) -> candidate.equals(wanted) || (candidate.length() == 64 && candidate.startsWith(wanted)))
                && filters.matchesAny("image", List.of(attributes.path("image").asText()), String::equals)
                && filters.labels(labels);
    }

    private static String architecture(Platform host) {
        return switch (host.architecture()) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> host.architecture();
        };
    }

    /** {@code NFd}: the server's open file descriptors, as dockerd counts its own; 0 where /proc cannot say. */
    static int openFiles() {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static String kernelVersion() {
        return firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version"));
    }

    private static String operatingSystem() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "") + " (Stevedore)";
                }
            }
        } catch (IOException e) {
            // a system without os-release: say what the JVM knows
        }
        return System.getProperty("os.name") + " (Stevedore)";
    }

    private static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: the JVM's view must do
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static String hostName() {
        return firstLine(Path.of("/proc/sys/kernel/hostname"), "localhost");
    }

    private static String firstLine(Path file, String fallback) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? fallback : lines.get(0).strip();
        } catch (IOException e) {
            return fallback;
        }
    }
}
