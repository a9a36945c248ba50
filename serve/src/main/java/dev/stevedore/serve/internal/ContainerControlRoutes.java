package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.AdvancedResources;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerStats;
import dev.stevedore.engine.ContainerTop;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.Resources;
import dev.stevedore.engine.RestartPolicy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code rename}, {@code pause}, {@code unpause}, {@code update}, {@code stats} and {@code top}: the container endpoints that change
 * or read a container in place. Each looks the container up first (404 for a missing one), then answers as dockerd:
 * 409 for a container in the wrong state, 400 naming a field it cannot apply.
 */
final class ContainerControlRoutes {
    private static final String ID = "(?<id>[^/]+)";
    /** dockerd samples every second; so do the streamed stats, and a one-shot with a previous sample waits one. */
    private static final long SAMPLE_INTERVAL_MILLIS = 1000;
    /** The {@code docker update} fields this server applies; a non-zero value of any other is refused by name. */
    private static final Set<String> APPLIED = Set.of("Memory", "MemorySwap", "NanoCpus", "CpuQuota", "CpuPeriod", "PidsLimit",
            "RestartPolicy", "CpuShares", "CpusetCpus", "CpusetMems", "BlkioWeight", "MemoryReservation");

    private final ServeState state;
    private final ContainerRoutes containers;

    ContainerControlRoutes(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("POST", "/containers/" + ID + "/rename", this::rename)
                .add("POST", "/containers/" + ID + "/pause", x -> pause(x, true))
                .add("POST", "/containers/" + ID + "/unpause", x -> pause(x, false))
                .add("POST", "/containers/" + ID + "/update", this::update)
                .add("GET", "/containers/" + ID + "/stats", this::stats)
                .add("GET", "/containers/" + ID + "/top", this::top);
    }

    /** Docker's top: {@code ps_args} as dockerd takes them ({@code -ef} when absent), 409 when it does not run. */
    private void top(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        if (!c.state().running()) {
            throw ApiException.conflict("Container " + c.id() + " is not running");
        }
        ContainerTop top = state.engine.top(c.id(), x.request().query("ps_args"));
        ArrayNode processes = Json.array();
        top.processes().forEach(row -> processes.add(Json.strings(row)));
        ObjectNode doc = Json.object();
        doc.set("Titles", Json.strings(top.titles()));
        doc.set("Processes", processes);
        x.response().json(200, doc);
    }

    private void rename(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        String name = x.request().query("name");
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("Neither old nor new names may be empty");
        }
        state.engine.renameContainer(c.id(), name);
        x.response().empty(204);
    }

    private void pause(Exchange x, boolean paused) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        // dockerd asks unpause only whether the container is paused: a created or exited one is "not paused" too
        if (paused && !c.state().running()) {
            throw ApiException.conflict("Container " + c.id() + " is not running");
        }
        if (paused && c.state().paused()) {
            throw ApiException.conflict("Container " + c.id() + " is already paused");
        }
        if (!paused && !c.state().paused()) {
            // dockerd's errNotPaused is a plain error, not one of its conflicts: 500, as clients know it
            throw new ApiException(500, "Container " + c.id() + " is not paused");
        }
        if (paused) {
            state.engine.pauseContainer(c.id());
        } else {
            state.engine.unpauseContainer(c.id());
        }
        x.response().empty(204);
    }

    private void update(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        JsonNode body = x.body();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!APPLIED.contains(field.getKey()) && set(field.getValue())) {
                throw ApiException.badRequest(field.getKey() + ": changing it on a container is not supported by stevedore"
                        + " serve (memory, CPU, cpuset, block I/O weight and pids limits are); recreate the container with it instead");
            }
        }
        ContainerUpdate update = ContainerUpdate.none();
        JsonNode restart = body.path("RestartPolicy");
        if (!restart.path("Name").asText("").isEmpty()) {
            try {
                update = update.withRestartPolicy(RestartPolicy.of(restart.path("Name").asText(),
                        restart.path("MaximumRetryCount").asInt(0)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("RestartPolicy: " + e.getMessage());
            }
        }
        long memory = body.path("Memory").asLong(0);
        if (memory > 0) {
            update = update.withMemoryBytes(memory);
        }
        long nanoCpus = body.path("NanoCpus").asLong(0);
        if (nanoCpus > 0) {
            update = update.withNanoCpus(nanoCpus);
        }
        Resources asked;
        try {
            asked = new Resources(body.path("CpuShares").asLong(0), body.path("CpuPeriod").asLong(0),
                    body.path("CpuQuota").asLong(0), body.path("CpusetCpus").asText(""), body.path("CpusetMems").asText(""),
                    body.path("BlkioWeight").asInt(0)).withMemoryReservation(body.path("MemoryReservation").asLong(0))
                    .withAdvanced(AdvancedResources.NONE.withMemorySwap(body.path("MemorySwap").asLong(0)));
            update = update.withResources(asked);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (body.hasNonNull("PidsLimit") && body.path("PidsLimit").asLong(0) != 0) {
            update = update.withPidsLimit(body.path("PidsLimit").asLong() < 0 ? -1 : body.path("PidsLimit").asLong());
        }
        ContainerInfo updated;
        try {
            updated = state.engine.updateContainer(c.id(), update);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        // dockerd's warnings for what the host could not apply: the container kept its value
        x.response().json(200, Json.object().set("Warnings", Json.strings(Resources.warnings(asked, updated.spec().resources()))));
    }

    /** Whether a field of an update carries a value (dockerd's clients send every field, unset ones zero or empty). */
    private static boolean set(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return false;
        }
        if (value.isNumber()) {
            return value.asLong() != 0;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual()) {
            return !value.asText().isEmpty();
        }
        return value.size() > 0;
    }

    /**
     * Docker's stats: {@code stream=false} one document (with a previous sample a second before, so a CPU percentage
     * can be had from it, unless {@code one-shot}); else a document a second until the client leaves or the container
     * stops. A container that does not run gets dockerd's zeroed document.
     */
    private void stats(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        boolean stream = x.request().query("stream") == null || x.request().flag("stream");
        boolean oneShot = x.request().flag("one-shot");
        if (!c.state().running()) {
            x.response().json(200, document(c, null, null));
            return;
        }
        if (!stream) {
            ContainerStats before = oneShot ? null : sample(c);
            if (before != null) {
                awaitInterval();
            }
            ContainerStats now = sample(c);
            x.response().json(200, document(c, now, before));
            return;
        }
        x.response().closeAfter();
        AtomicBoolean gone = new AtomicBoolean();
        OutputStream out = x.response().stream(200, HttpResponse.JSON);
        x.connection().watchForClose(() -> gone.set(true));
        ContainerStats previous = null;
        try {
            while (!gone.get() && !state.closed()) {
                ContainerStats now = sample(c);
                if (now == null) {
                    return; // it stopped: dockerd ends the stream too
                }
                byte[] json = Json.bytes(document(c, now, previous));
                out.write(json);
                out.write('\n');
                out.flush();
                previous = now;
                awaitInterval();
            }
        } catch (IOException e) {
            // the client left
        }
    }

    /** A sample, or null when the container stopped meanwhile. */
    private ContainerStats sample(ContainerInfo c) {
        try {
            return state.engine.stats(c.id());
        } catch (RuntimeException e) {
            if (state.engine.inspectContainer(c.id()).state().running()) {
                throw e;
            }
            return null;
        }
    }

    /** The interval between samples: the counters are cumulative, a rate needs two reads a known time apart. */
    private static void awaitInterval() {
        try {
            TimeUnit.MILLISECONDS.sleep(SAMPLE_INTERVAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Docker's {@code StatsJSON}; a null {@code now} gives the zeroed document of a container that does not run. */
    static ObjectNode document(ContainerInfo c, ContainerStats now, ContainerStats before) {
        ObjectNode doc = Json.object();
        doc.put("read", now == null ? "0001-01-01T00:00:00Z" : Json.time(now.read()));
        doc.put("preread", before == null ? "0001-01-01T00:00:00Z" : Json.time(before.read()));
        ObjectNode pids = Json.object();
        if (now != null) {
            pids.put("current", now.pids());
            if (now.pidsLimit() > 0) {
                pids.put("limit", now.pidsLimit()); // Go reads it as uint64: no limit is no field, never -1
            }
        }
        doc.set("pids_stats", pids);
        ObjectNode blkio = Json.object();
        for (String field : new String[] {"io_service_bytes_recursive", "io_serviced_recursive", "io_queue_recursive",
                "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive", "io_time_recursive",
                "sectors_recursive"}) {
            blkio.putNull(field);
        }
        doc.set("blkio_stats", blkio);
        doc.put("num_procs", 0);
        doc.set("storage_stats", Json.object());
        doc.set("cpu_stats", cpu(now));
        doc.set("precpu_stats", cpu(before));
        ObjectNode memory = Json.object();
        if (now != null) {
            memory.put("usage", now.memoryUsageBytes());
            // cgroup v2's name for the page cache docker stats subtracts
            memory.set("stats", Json.object().put("inactive_file", now.memoryCacheBytes()));
            memory.put("limit", now.memoryLimitBytes());
        }
        doc.set("memory_stats", memory);
        doc.put("name", "/" + c.name()).put("id", c.id());
        if (now != null) {
            ObjectNode networks = Json.object();
            now.networks().forEach((name, n) -> networks.set(name, Json.object().put("rx_bytes", n.rxBytes())
                    .put("rx_packets", n.rxPackets()).put("rx_errors", n.rxErrors()).put("rx_dropped", n.rxDropped())
                    .put("tx_bytes", n.txBytes()).put("tx_packets", n.txPackets()).put("tx_errors", n.txErrors())
                    .put("tx_dropped", n.txDropped())));
            doc.set("networks", networks);
        }
        return doc;
    }

    private static ObjectNode cpu(ContainerStats s) {
        ObjectNode usage = Json.object().put("total_usage", s == null ? 0 : s.cpuTotalNanos())
                .put("usage_in_kernelmode", s == null ? 0 : s.cpuSystemNanos())
                .put("usage_in_usermode", s == null ? 0 : s.cpuUserNanos());
        ObjectNode cpu = Json.object().set("cpu_usage", usage);
        if (s != null) {
            cpu.put("system_cpu_usage", s.systemCpuNanos()).put("online_cpus", s.onlineCpus());
        }
        cpu.set("throttling_data", Json.object().put("periods", 0).put("throttled_periods", 0).put("throttled_time", 0));
        return cpu;
    }
}
