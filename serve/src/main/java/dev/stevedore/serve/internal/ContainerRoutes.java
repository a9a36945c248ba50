package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.NetworkInfo;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The container endpoints: create, start, inspect, list, stop, kill, restart, remove, top, prune; the streaming ones
 * (logs, attach, wait) are {@link ContainerStreams}, which these register.
 */
final class ContainerRoutes {
    private static final String ID = "(?<id>[^/]+)";

    private final ServeState state;

    ContainerRoutes(ServeState state) {
        this.state = state;
    }

    void register(Router router) {
        router.add("POST", "/containers/create", this::create)
                .add("GET", "/containers/json", this::list)
                .add("POST", "/containers/prune", this::prune)
                .add("GET", "/containers/" + ID + "/json", this::inspect)
                .add("POST", "/containers/" + ID + "/start", this::start)
                .add("POST", "/containers/" + ID + "/stop", this::stop)
                .add("POST", "/containers/" + ID + "/restart", this::restart)
                .add("POST", "/containers/" + ID + "/kill", this::kill)
                .add("DELETE", "/containers/" + ID, this::remove);
        new ContainerStreams(state, this).register(router);
    }

    /** The container a path names (id, id prefix or name, with or without Docker's leading slash). */
    ContainerInfo find(String reference) {
        String ref = reference.startsWith("/") ? reference.substring(1) : reference;
        try {
            return state.engine.inspectContainer(ref);
        } catch (ContainerNotFoundException e) {
            throw ApiException.notFound("No such container: " + ref);
        }
    }

    /** Networks by name for one answer, each looked up once. */
    /** The list entry of {@code GET /containers/json} for {@code c}; {@code GET /system/df} lists the same. */
    ObjectNode summary(ContainerInfo c, Function<String, NetworkInfo> networks,
                       Function<String, java.util.Optional<dev.stevedore.engine.VolumeInfo>> volumes, Instant now) {
        ImageConfig image = state.imageConfig(c);
        return ContainerDocuments.summary(c, image, networks, volumes, now);
    }

    /** Looks networks up once per request. */
    Function<String, NetworkInfo> networks() {
        Map<String, NetworkInfo> cache = new HashMap<>();
        return name -> cache.computeIfAbsent(name, n -> {
            try {
                return state.engine.inspectNetwork(n);
            } catch (ContainerEngineException e) {
                return null;
            }
        });
    }

    private void create(Exchange x) throws IOException {
        com.fasterxml.jackson.databind.JsonNode body = x.body();
        CreateRequest request = CreateRequest.parse(body, x.request().query("name"), state.defaultHostIp());
        request.volumes().forEach(state.engine::createVolume);
        ContainerInfo created;
        try {
            created = state.engine.createContainer(CreateEcho.withEcho(request.spec(), body, request.autoRemove()));
        } catch (ImageNotFoundException e) {
            throw ApiException.notFound("No such image: " + familiar(request.spec().image()));
        }
        try {
            request.networks().forEach((network, endpoint) -> state.engine.connectNetwork(network, created.id(),
                    endpoint.aliases(), endpoint.ipv4Address()));
        } catch (RuntimeException e) {
            state.engine.removeContainer(created.id(), true);
            throw e;
        }
        ObjectNode answer = Json.object().put("Id", created.id());
        // the engine's warnings, in dockerd's words: what the host could not apply (the engine dropped it, as dockerd does)
        answer.set("Warnings", Json.strings(created.warnings()));
        x.response().json(201, answer);
    }

    private static String familiar(String image) {
        try {
            return ImageReference.parse(image).familiar();
        } catch (InvalidImageReferenceException e) {
            return image;
        }
    }

    private void inspect(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        ImageConfig image = state.imageConfig(c);
        ObjectNode document = ContainerDocuments.inspect(c, image, CreateEcho.autoRemove(c), networks(),
                MountDocuments.volumes(state.engine), state.blankHostIp());
        CreateEcho.echo(c, document);
        if (x.request().flag("size")) {
            document = ContainerSizes.inspect(document, ContainerSizes.measure(state.engine).get(c.id()));
        }
        x.response().json(200, document);
    }

    private void list(Exchange x) throws IOException {
        HttpRequest request = x.request();
        Filters filters = Filters.parse(request.query("filters"));
        boolean all = request.flag("all") || filters.has("status") || filters.has("exited");
        long limit = request.number("limit", -1);
        Function<String, NetworkInfo> networks = networks();
        var volumes = MountDocuments.volumes(state.engine);
        Instant now = Instant.now();
        ArrayNode list = Json.array();
        Map<String, DiskUsage.ContainerUsage> sizes = request.flag("size") ? ContainerSizes.measure(state.engine) : null;
        for (ContainerInfo c : state.engine.containers(true, Map.of())) {
            if (limit > 0 && list.size() >= limit) {
                break;
            }
            if (!all && !c.state().running() || !matches(filters, c)) {
                continue;
            }
            ObjectNode summary = summary(c, networks, volumes, now);
            CreateEcho.echo(c, summary);
            list.add(sizes == null ? summary : ContainerSizes.summary(summary, sizes.get(c.id())));
        }
        x.response().json(200, list);
    }

    /**
     * Docker's container filters: label, name (a part of it), id (a prefix), status, exited, network, ancestor,
     * health, volume (a mount's volume name, bind source or destination, as dockerd matches it).
     */
    static boolean matches(Filters filters, ContainerInfo c) {
        String status = c.state().status().name().toLowerCase(Locale.ROOT);
        return filters.labels(c.labels())
                && filters.matchesAny("name", List.of(c.name()), (wanted, name) -> name.contains(wanted.startsWith("/") ? wanted.substring(1) : wanted))
                && filters.matchesAny("id", List.of(c.id()), (wanted, id) -> id.startsWith(wanted))
                && filters.matchesAny("status", List.of(status), String::equals)
                && filters.matchesAny("exited", List.of(Integer.toString(c.state().exitCode())),
                        (wanted, code) -> status.equals("exited") && wanted.equals(code))
                && filters.matchesAny("network", c.networks().keySet(), String::equals)
                && filters.matchesAny("ancestor", List.of(c.image(), familiar(c.image()), c.imageId()), String::equals)
                && filters.matchesAny("health", List.of(c.health() == null ? "none" : c.health().status().dockerName()),
                        String::equals)
                && filters.matchesAny("volume", c.mounts().stream().flatMap(m -> Stream.of(m.source(), m.target())).toList(),
                        String::equals);
    }

    private void start(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        if (c.state().running()) {
            x.response().empty(304);
            return;
        }
        try {
            state.engine.startContainer(c.id());
        } catch (RuntimeException e) {
            if (CreateEcho.autoRemove(c)) {
                removeQuietly(c.id());
            }
            throw e;
        }
        state.reapWhenExited(c);
        x.response().empty(204);
    }

    private void removeQuietly(String id) {
        try {
            state.engine.removeContainer(id, true);
        } catch (RuntimeException e) {
            // the failed start is what the client hears of
        }
    }

    private void stop(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        refuseOtherStopSignal(x, c);
        // The engine's stop runs even for a container that looks stopped: a run that has just ended reads as exited
        // before its owner records the restart its policy asks for, and only the engine's stop marks it stopped by its
        // user, so that the restart does not follow. (dockerd moves from running to restarting in one step.)
        state.engine.stopContainer(c.id(), grace(x.request()));
        // as dockerd: a stop between two runs of a restart policy ends the restarting, so it is no "not modified"
        boolean wasUp = c.state().running() || c.state().status() == ContainerState.Status.RESTARTING;
        x.response().empty(wasUp ? 204 : 304);
    }

    /**
     * API 1.42's {@code signal} of a stop or restart: the engine stops with the container's own stop signal, so any other
     * is refused by name rather than taken and dropped.
     */
    private void refuseOtherStopSignal(Exchange x, ContainerInfo c) {
        String asked = x.request().query("signal");
        if (asked == null || asked.isBlank()) {
            return;
        }
        String own = c.spec().stopSignal() != null ? c.spec().stopSignal() : state.imageConfig(c).stopSignal();
        if (!signalName(asked).equals(signalName(own == null || own.isEmpty() ? "SIGTERM" : own))) {
            throw ApiException.badRequest("signal=" + asked + " is not supported by stevedore serve: a stop or restart sends"
                    + " the container's stop signal (" + signalName(own == null || own.isEmpty() ? "SIGTERM" : own)
                    + "); send " + asked + " with kill, or create the container with --stop-signal " + asked);
        }
    }

    private static String signalName(String signal) {
        String upper = signal.trim().toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("SIG") ? upper : "SIG" + upper;
    }

    private static Duration grace(HttpRequest request) {
        long seconds = request.number("t", request.number("timeout", -1));
        return seconds < 0 ? null : Duration.ofSeconds(seconds);
    }

    private void restart(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        refuseOtherStopSignal(x, c);
        state.engine.restartContainer(c.id(), grace(x.request()));
        x.response().empty(204);
    }

    private void kill(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        if (!c.state().running()) {
            throw ApiException.conflict("Container " + c.id() + " is not running");
        }
        String signal = x.request().query("signal");
        state.engine.killContainer(c.id(), signal == null || signal.isBlank() ? "KILL" : signal);
        x.response().empty(204);
    }

    private void remove(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        boolean force = x.request().flag("force");
        if (c.state().running() && !force) {
            throw ApiException.conflict("You cannot remove a running container " + c.id() + ". Stop the container before"
                    + " attempting removal or force remove");
        }
        try {
            state.engine.removeContainer(c.id(), force, x.request().flag("v"));
        } catch (ContainerNotFoundException gone) {
            // removed meanwhile (an auto-remove container that just exited): what the client wanted
        }
        x.response().empty(204);
    }

    /** {@code docker top}: the container's processes as {@code ps -ef} lists them ({@code ps_args} is not applied). */
    private void prune(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        ArrayNode deleted = Json.array();
        for (ContainerInfo c : state.engine.containers(true, Map.of())) {
            if (!c.state().running() && filters.labels(c.labels())) {
                try {
                    state.engine.removeContainer(c.id(), false, false); // as dockerd: the volumes stay
                    deleted.add(c.id());
                } catch (ContainerEngineException e) {
                    // started or removed meanwhile
                }
            }
        }
        x.response().json(200, Json.object().<ObjectNode>set("ContainersDeleted", deleted).put("SpaceReclaimed", 0));
    }
}
