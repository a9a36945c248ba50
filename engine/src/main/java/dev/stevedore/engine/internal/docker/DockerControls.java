package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerStats;
import dev.stevedore.engine.ContainerUpdate;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rename, pause, unpause, a stats sample and update through the Docker Engine API: each the daemon's own endpoint,
 * its answers turned into the engine's exceptions (404 {@link ContainerNotFoundException}; the rest quoting the daemon).
 */
final class DockerControls {
    private final DockerApi api;

    DockerControls(DockerApi api) {
        this.api = api;
    }

    void rename(String container, String newName) {
        String name = newName != null && newName.startsWith("/") ? newName.substring(1) : newName;
        post(container, "rename", "Renaming container " + container + " to " + name, api.call("POST",
                "/containers/" + DockerContainers.reference(container) + "/rename").query("name", name));
    }

    void pause(String container, boolean paused) {
        String action = paused ? "pause" : "unpause";
        post(container, action, (paused ? "Pausing" : "Unpausing") + " container " + container,
                api.call("POST", "/containers/" + DockerContainers.reference(container) + "/" + action));
    }

    ContainerStats stats(String container) {
        JsonNode stats;
        try {
            stats = api.call("GET", "/containers/" + DockerContainers.reference(container) + "/stats")
                    .query("stream", "false").query("one-shot", "true").json();
        } catch (DockerApiException e) {
            throw failure(container, "Reading the stats of container " + container, e);
        }
        if (stats == null || stats.path("read").asText("").startsWith("0001-")) {
            // dockerd answers a stopped container with an all-zero document, not an error
            throw new ContainerEngineException("Reading the stats of container " + container + " failed: it is not running");
        }
        return map(stats);
    }

    /** GET /containers/{id}/top: dockerd runs ps with {@code psArgs} (its default {@code -ef} when null) and narrows it. */
    dev.stevedore.engine.ContainerTop top(String container, String psArgs) {
        JsonNode top;
        try {
            var call = api.call("GET", "/containers/" + DockerContainers.reference(container) + "/top");
            if (psArgs != null && !psArgs.isBlank()) {
                call = call.query("ps_args", psArgs.strip());
            }
            top = call.json();
        } catch (DockerApiException e) {
            throw failure(container, "Listing the processes of container " + container, e);
        }
        java.util.List<String> titles = new java.util.ArrayList<>();
        top.path("Titles").forEach(t -> titles.add(t.asText()));
        java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
        top.path("Processes").forEach(p -> {
            java.util.List<String> row = new java.util.ArrayList<>();
            p.forEach(v -> row.add(v.asText()));
            rows.add(row);
        });
        return new dev.stevedore.engine.ContainerTop(titles, rows);
    }

    /** Docker's stats document as a sample. */
    static ContainerStats map(JsonNode stats) {
        JsonNode cpu = stats.path("cpu_stats");
        JsonNode usage = cpu.path("cpu_usage");
        JsonNode memory = stats.path("memory_stats");
        JsonNode memoryStat = memory.path("stats");
        // cgroup v2 names it inactive_file, v1 total_inactive_file: what docker stats subtracts from the usage
        long cache = memoryStat.has("inactive_file") ? memoryStat.path("inactive_file").asLong()
                : memoryStat.path("total_inactive_file").asLong(0);
        Map<String, ContainerStats.Interface> networks = new LinkedHashMap<>();
        stats.path("networks").fields().forEachRemaining(n -> {
            JsonNode v = n.getValue();
            networks.put(n.getKey(), new ContainerStats.Interface(v.path("rx_bytes").asLong(), v.path("rx_packets").asLong(),
                    v.path("rx_errors").asLong(), v.path("rx_dropped").asLong(), v.path("tx_bytes").asLong(),
                    v.path("tx_packets").asLong(), v.path("tx_errors").asLong(), v.path("tx_dropped").asLong()));
        });
        Instant read;
        try {
            read = Instant.parse(stats.path("read").asText());
        } catch (DateTimeParseException e) {
            read = Instant.now();
        }
        int cpus = cpu.path("online_cpus").asInt(usage.path("percpu_usage").size());
        return new ContainerStats(read, usage.path("total_usage").asLong(), usage.path("usage_in_usermode").asLong(),
                usage.path("usage_in_kernelmode").asLong(), cpu.path("system_cpu_usage").asLong(), Math.max(cpus, 1),
                memory.path("usage").asLong(), cache, memory.path("limit").asLong(),
                stats.path("pids_stats").path("current").asLong(), stats.path("pids_stats").path("limit").asLong(0), networks);
    }

    void update(String container, ContainerUpdate update) {
        ObjectNode body = DockerApi.MAPPER.createObjectNode();
        update.memoryBytes().ifPresent(bytes -> {
            body.put("Memory", bytes);
            // dockerd refuses a memory limit above the swap limit it kept from before: lift both together, unless asked
            body.put("MemorySwap", bytes == 0 ? 0 : -1);
        });
        if (update.resources().advanced().memorySwap() != 0) {
            body.put("MemorySwap", update.resources().advanced().memorySwap());
        }
        update.nanoCpus().ifPresent(nanos -> body.put("NanoCpus", nanos));
        update.pidsLimit().ifPresent(pids -> body.put("PidsLimit", pids));
        dev.stevedore.engine.Resources r = update.resources(); // zero and empty: unchanged, as dockerd reads them
        body.put("CpuShares", r.cpuShares()).put("CpuPeriod", r.cpuPeriod()).put("CpuQuota", r.cpuQuota())
                .put("CpusetCpus", r.cpusetCpus()).put("CpusetMems", r.cpusetMems()).put("BlkioWeight", r.blkioWeight())
                .put("MemoryReservation", r.memoryReservation());
        update.restartPolicy().ifPresent(policy -> body.putObject("RestartPolicy").put("Name", policy.kind().dockerName())
                .put("MaximumRetryCount", policy.maximumRetries()));
        post(container, "update", "Updating the limits of container " + container,
                api.call("POST", "/containers/" + DockerContainers.reference(container) + "/update").jsonBody(body));
    }

    private static void post(String container, String action, String what, DockerApi.Call call) {
        try {
            call.discard();
        } catch (DockerApiException e) {
            throw failure(container, what, e);
        }
    }

    static RuntimeException failure(String container, String what, DockerApiException e) {
        if (e.status() == 404 && e.daemonMessage().toLowerCase(java.util.Locale.ROOT).contains("no such container")) {
            return new ContainerNotFoundException(container);
        }
        return new ContainerEngineException(what + " failed: " + e.daemonMessage(), e);
    }
}
