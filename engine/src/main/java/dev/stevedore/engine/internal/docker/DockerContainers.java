package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Containers through the Docker Engine API: create, start, inspect, list, wait, stop, kill, remove, logs,
 * exec ({@link DockerExec}) and copy ({@link DockerArchive}). Everything it creates carries
 * {@link Labels#forSession} labels; {@link #close()} removes this session's objects (its networks from
 * {@link DockerNetworks} too), and a shutdown hook does the same if the JVM exits without closing (see
 * {@link Labels} and {@link SessionCleanup}).
 *
 * <p>Daemon answers become the public exceptions: 404 for a container → {@link ContainerNotFoundException};
 * a start the daemon refuses → {@link ContainerStartException} with its message and the container's last log
 * lines; everything else a {@link ContainerEngineException} that quotes the daemon.
 */
final class DockerContainers implements AutoCloseable {
    /** What the container operations need from the image side of the engine. */
    interface Images {
        /** The image filed under {@code reference} in the daemon, if any. */
        Optional<Image> local(ImageReference reference);

        /** Pulls {@code reference} into the daemon. */
        Image pull(ImageReference reference);

        /** The image {@code image} names by its id (in full, or a prefix no image has as a name), tagged or dangling. */
        Optional<Image> byId(String image, ContainerSpec.PullPolicy policy);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DockerContainers.class);
    /** Docker's own rule for names; ids and id prefixes are hex, so they match too. */
    private static final Pattern REFERENCE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final int START_FAILURE_LOG_LINES = 20;
    /** How long past the grace period a stop may take before the call gives up. */
    private static final Duration STOP_SLACK = Duration.ofSeconds(30);

    private final DockerApi api;
    private final UUID session;
    private final Images images;
    private final Map<String, ContainerSpec> specs = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private final DockerExec exec;
    private final DockerArchive archive;
    private final Object hookLock = new Object();
    private Thread shutdownHook;

    DockerContainers(DockerApi api, UUID session, Images images) {
        this.api = api;
        this.session = session;
        this.images = images;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "stevedore-docker-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.exec = new DockerExec(api, timer);
        this.archive = new DockerArchive(api);
    }

    /**
     * {@code container} as a path segment: a name (a leading {@code /} dropped), an id or an id prefix.
     *
     * @throws ContainerNotFoundException for anything no container can be called, such as a path
     */
    static String reference(String container) {
        String ref = container != null && container.startsWith("/") ? container.substring(1) : container;
        if (ref == null || !REFERENCE.matcher(ref).matches()) {
            throw new ContainerNotFoundException(String.valueOf(container));
        }
        return ref;
    }

    ContainerInfo create(ContainerSpec spec) {
        Optional<Image> byId = images.byId(spec.image(), spec.pullPolicy());
        if (byId.isPresent()) {
            CreateRefusals.check(spec, spec.image(), api);
            return create(spec, byId.get().id(), byId.get());
        }
        ImageReference reference = ImageReference.parse(spec.image());
        CreateRefusals.check(spec, reference.toString(), api);
        Image image = switch (spec.pullPolicy()) {
            case ALWAYS -> images.pull(reference);
            case MISSING -> images.local(reference).orElseGet(() -> images.pull(reference));
            case NEVER -> images.local(reference).orElseThrow(() -> new ImageNotFoundException("Creating a container from "
                    + reference + " failed: the Docker daemon at " + api.endpoint().uri() + " has no such image and the pull"
                    + " policy is NEVER; pull it first or use PullPolicy.MISSING", reference.registry(), reference, 0));
        };
        return create(spec, DockerImages.lookupName(reference), image);
    }

    private ContainerInfo create(ContainerSpec spec, String name, Image image) {
        boolean keep = "true".equals(spec.labels().get(Labels.KEEP));
        ObjectNode body = CreateBody.of(spec, name, image.config(),
                keep ? spec.labels() : Labels.forSession(session, spec.labels()));
        if (!keep) {
            registerShutdownHook();
        }
        JsonNode created;
        try {
            created = api.call("POST", "/containers/create").query("name", spec.name()).jsonBody(body).json();
        } catch (DockerApiException e) {
            String what = "Creating container " + (spec.name() == null ? "" : "\"" + spec.name() + "\" ") + "from " + name;
            if (e.status() == 409) {
                throw new ContainerEngineException(what + " failed: " + e.daemonMessage()
                        + "; choose another name or remove that container", e);
            }
            String noSuchContainer = "No such container: ";
            if (e.daemonMessage().startsWith(noSuchContainer)) {
                // a --volumes-from container that is not there (dockerd 20.10 answers it with a 500), as the embedded
                // engine says it
                throw new ContainerNotFoundException(e.daemonMessage().substring(noSuchContainer.length()).trim());
            }
            if (e.status() == 404) {
                throw new ImageNotFoundException(what + " failed: " + e.daemonMessage() + " (was the image removed meanwhile?)",
                        null, null, 404);
            }
            throw new ContainerEngineException(what + " failed: " + e.daemonMessage(), e);
        }
        String id = created.path("Id").asText();
        List<String> warnings = new java.util.ArrayList<>();
        // the caller shows them (the CLI as docker does, "WARNING: <text>"); logged for a test's output
        created.path("Warnings").forEach(warning -> warnings.add(warning.asText()));
        warnings.forEach(w -> LOG.info("{} (dockerd, creating container {})", w, id.length() > 12 ? id.substring(0, 12) : id));
        specs.put(id, spec);
        return inspect(id).withWarnings(warnings);
    }

    void start(String container) {
        String ref = reference(container);
        try {
            api.call("POST", "/containers/" + ref + "/start").discard();
        } catch (DockerApiException e) {
            if (e.status() == 304) {
                return;
            }
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            String id = idOrNull(ref);
            List<String> lastLines = id == null ? List.of() : lastLogLines(id);
            throw new ContainerStartException("Starting container " + container + " failed: " + e.daemonMessage()
                    + startHint(e.daemonMessage()) + (lastLines.isEmpty() ? "" : "\nLast log lines:\n  " + String.join("\n  ", lastLines)),
                    id, lastLines, e);
        }
    }

    private static String startHint(String daemonMessage) {
        String lower = daemonMessage.toLowerCase(Locale.ROOT);
        if (lower.contains("executable file not found") || lower.contains("no such file or directory")) {
            return "; check the entrypoint and command (the spec's, else the image's) name a program in the image";
        }
        if (lower.contains("permission denied")) {
            return "; the entrypoint must be executable by the container's user";
        }
        return "";
    }

    private String idOrNull(String ref) {
        try {
            JsonNode json = api.call("GET", "/containers/" + ref + "/json").json();
            return json == null ? null : json.path("Id").asText(null);
        } catch (ContainerEngineException e) {
            return null;
        }
    }

    private List<String> lastLogLines(String id) {
        try (ContainerLogs logs = logs(id, LogOptions.all().withTail(START_FAILURE_LOG_LINES));
             Stream<LogLine> lines = logs.lines()) {
            return lines.map(LogLine::text).collect(Collectors.toList());
        } catch (ContainerEngineException e) {
            return List.of();
        }
    }

    /** Keeps the spec this engine created {@code container} with in step with limits changed since. */
    void updated(String container, dev.stevedore.engine.ContainerUpdate update) {
        String id = inspectJson(container).path("Id").asText();
        specs.computeIfPresent(id, (key, spec) -> {
            ContainerSpec.Builder builder = spec.toBuilder();
            update.memoryBytes().ifPresent(builder::memoryBytes);
            update.nanoCpus().ifPresent(nanos -> builder.cpus(nanos / 1e9));
            update.pidsLimit().ifPresent(builder::pidsLimit);
            builder.resources(spec.resources().updatedBy(update.resources()));
            update.restartPolicy().ifPresent(builder::restartPolicy);
            return builder.build();
        });
    }

    ContainerInfo inspect(String container) {
        JsonNode json = inspectJson(container);
        return ContainerMapper.info(json, specs.get(json.path("Id").asText()));
    }

    private JsonNode inspectJson(String container) {
        try {
            return api.call("GET", "/containers/" + reference(container) + "/json").json();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        }
    }

    List<ContainerInfo> list(boolean all, Map<String, String> labels) {
        ObjectNode filters = DockerApi.MAPPER.createObjectNode();
        if (!labels.isEmpty()) {
            ArrayNode label = filters.putArray("label");
            labels.forEach((key, value) -> label.add(value == null || value.isEmpty() ? key : key + "=" + value));
        }
        JsonNode summaries = api.call("GET", "/containers/json").query("all", all ? "1" : null)
                .query("filters", filters.isEmpty() ? null : filters.toString()).json();
        List<ContainerInfo> result = new ArrayList<>();
        if (summaries != null) {
            for (JsonNode summary : summaries) {
                // the summaries lack env, state details and config: one inspect each
                try {
                    result.add(inspect(summary.path("Id").asText()));
                } catch (ContainerNotFoundException removedMeanwhile) {
                    // gone between list and inspect: it is no longer there to report
                }
            }
        }
        return result;
    }

    ContainerState await(String container, Duration timeout) {
        String ref = reference(container);
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            return inspect(container).state();
        }
        DockerApi.Call call = api.call("POST", "/containers/" + ref + "/wait").query("condition", "not-running")
                .readTimeout(Duration.ZERO);
        if (timeout != null) {
            call.callTimeout(timeout);
        }
        JsonNode result;
        try {
            result = call.json();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        } catch (ContainerEngineException e) {
            if (e.getCause() instanceof InterruptedIOException || isCallTimeout(e)) {
                return inspect(container).state();
            }
            throw e;
        }
        try {
            return inspect(container).state();
        } catch (ContainerNotFoundException removed) {
            // an auto-removed container is gone by now; the wait's answer is all that is left of it
            int code = result == null ? 0 : result.path("StatusCode").asInt(0);
            String error = result == null ? "" : result.path("Error").path("Message").asText("");
            return new ContainerState(ContainerState.Status.EXITED, 0, code, code > 128 && code <= 192 ? code - 128 : 0,
                    false, error, null, Instant.now());
        }
    }

    private static boolean isCallTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedIOException || (t.getMessage() != null && t.getMessage().contains("Canceled"))) {
                return true;
            }
        }
        return false;
    }

    void stop(String container, Duration grace) {
        stopOrRestart("stop", container, grace);
    }

    /** dockerd's own restart, so its events say {@code restart} as for {@code docker restart}. */
    void restart(String container, Duration grace) {
        stopOrRestart("restart", container, grace);
    }

    private void stopOrRestart(String what, String container, Duration grace) {
        DockerApi.Call call = api.call("POST", "/containers/" + reference(container) + "/" + what);
        if (grace != null) {
            call.query("t", Long.toString(CreateBody.seconds(grace)));
            call.readTimeout(grace.plus(STOP_SLACK));
        } else {
            // the container's own stop timeout applies, which only the daemon knows
            call.readTimeout(Duration.ZERO);
        }
        try {
            call.discard();
        } catch (DockerApiException e) {
            if (e.status() == 304) {
                return;
            }
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        }
    }

    void resize(String container, int rows, int columns) {
        try {
            api.call("POST", "/containers/" + reference(container) + "/resize").query("h", Integer.toString(rows))
                    .query("w", Integer.toString(columns)).discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw new ContainerEngineException("resizing the terminal of container " + container + " failed: "
                    + e.daemonMessage() + " — only a running container created with a tty has one", e);
        }
    }

    void kill(String container, String signal) {
        try {
            api.call("POST", "/containers/" + reference(container) + "/kill").query("signal", signal == null ? null : signal.strip())
                    .discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            if (e.status() == 409) {
                throw new ContainerEngineException("Killing container " + container + " failed: " + e.daemonMessage()
                        + "; only a running container can be signalled", e);
            }
            throw new ContainerEngineException("Killing container " + container + " with signal " + signal + " failed: "
                    + e.daemonMessage(), e);
        }
    }

    void remove(String container, boolean force, boolean removeVolumes) {
        String ref = reference(container);
        try {
            api.call("DELETE", "/containers/" + ref).query("force", force ? "1" : null)
                    .query("v", removeVolumes && !DockerVolumes.sharesVolumes(api, ref) ? "1" : null).discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            if (e.status() == 409 && e.daemonMessage().toLowerCase(Locale.ROOT).contains("already in progress")) {
                return;
            }
            if (e.status() == 409) {
                throw new ContainerEngineException("Removing container " + container + " failed: " + e.daemonMessage()
                        + "; stop it first, or remove it with force", e);
            }
            throw e;
        }
        specs.entrySet().removeIf(e -> e.getKey().startsWith(ref) || ref.equals(e.getValue().name()));
    }

    ContainerLogs logs(String container, LogOptions options) {
        if (!options.stdout() && !options.stderr()) {
            throw new IllegalArgumentException("logs of container " + container + ": ask for stdout, stderr or both");
        }
        // a TTY's log is one raw stream: no frames, and timestamps could not be told from its bytes
        boolean tty = inspectTty(container);
        DockerApi.Call call = api.call("GET", "/containers/" + reference(container) + "/logs")
                .query("stdout", options.stdout() ? "1" : null)
                .query("stderr", options.stderr() ? "1" : null)
                .query("timestamps", tty ? null : "1")
                .query("follow", options.follow() ? "1" : null)
                .query("tail", options.tail() >= 0 ? Integer.toString(options.tail()) : "all")
                .query("since", options.since() == null ? null : since(options.since()));
        if (options.follow()) {
            call.readTimeout(Duration.ZERO);
        }
        Response response;
        try {
            response = call.open();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        }
        return new DockerLogs(response, container, tty);
    }

    private boolean inspectTty(String container) {
        try {
            return api.call("GET", "/containers/" + reference(container) + "/json").json().path("Config").path("Tty").asBoolean(false);
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        }
    }

    /** Docker's {@code since}: seconds since the epoch with nanoseconds as a fraction. */
    static String since(Instant instant) {
        return instant.getEpochSecond() + "." + String.format(Locale.ROOT, "%09d", instant.getNano());
    }

    ExecResult exec(String container, ExecSpec spec) {
        return exec.run(container, spec);
    }

    void copyTo(String container, String directory, InputStream tar) {
        archive.copyTo(container, directory, tar);
    }

    InputStream copyFrom(String container, String path) {
        return archive.copyFrom(container, path);
    }

    Optional<dev.stevedore.engine.ContainerPathStat> stat(String container, String path) {
        return archive.statPath(container, path);
    }

    /**
     * Registers the hook that cleans up this session if the JVM exits without closing the engine; called
     * before anything of the session is created.
     */
    void registerShutdownHook() {
        synchronized (hookLock) {
            if (shutdownHook != null) {
                return;
            }
            Thread hook = new Thread(this::removeSessionObjects, "stevedore-docker-cleanup-" + session);
            try {
                Runtime.getRuntime().addShutdownHook(hook);
                shutdownHook = hook;
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; close() or nothing will clean up
            }
        }
    }

    private void removeSessionObjects() {
        SessionCleanup.Report report = SessionCleanup.removeSession(api, session);
        if (!report.failures().isEmpty()) {
            LOG.warn("Removing the containers, networks and volumes of Stevedore session {} from the Docker daemon at {} left some"
                    + " behind (the next engine's sweep will retry): {}", session, api.endpoint().uri(), report.failures());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        Thread hook;
        synchronized (hookLock) {
            hook = shutdownHook;
            shutdownHook = null;
        }
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
            return;
        }
        removeSessionObjects();
        specs.clear();
    }
}
