package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.DockerfileImages;
import dev.stevedore.dsl.internal.ImageNames;
import dev.stevedore.dsl.internal.Session;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A container of the DSL: made from a frozen {@link ContainerDefinition}, started with {@link #start()}, then
 * the way to reach it (host, mapped ports, endpoints), read its logs, run commands in it, copy files in and
 * out, and stop it. Stopping removes the container; starting again makes a fresh one.
 *
 * <p>Thread-safe. The accessors of a running container throw {@link IllegalStateException} (naming the
 * container) when it is not started. Subclasses (ready-made services such as {@code stevedore-postgres}' {@code PostgresContainer}) add
 * accessors of their own; the lifecycle stays here.
 *
 * <p>The one handle a user holds, and the order of a container's life; the work behind its parts is elsewhere:
 * {@link DefinitionSpecs} makes the engine's spec, {@link MappedPorts} finds the ports and host,
 * {@link ContainerFiles} copies files in and out, {@link LogFollower} follows logs.
 */
public class ContainerHandle implements Startable {
    private final ContainerDefinition definition;
    private volatile Running running;
    private volatile boolean ready;
    private volatile List<String> keptLogLines = List.of();

    /** A handle for {@code definition}, not started. */
    protected ContainerHandle(ContainerDefinition definition) {
        this.definition = Objects.requireNonNull(definition, "definition");
    }

    /** A handle for {@code definition}, not started. */
    public static ContainerHandle of(ContainerDefinition definition) {
        return new ContainerHandle(definition);
    }

    public final ContainerDefinition definition() {
        return definition;
    }

    /** Its DSL name. */
    public final String name() {
        return definition.name();
    }

    @Override
    public List<ContainerHandle> dependencies() {
        return definition.dependsOn();
    }

    @Override
    public ContainerHandle start() {
        return start(Engines.shared());
    }

    /**
     * Starts the container on {@code engine} (its dependencies first, if they do not run) and returns once its
     * wait strategy says it is ready. Does nothing when it runs already.
     *
     * @throws ContainerNotReadyException when it started but did not become ready; it is removed by then
     * @throws ContainerEngineException   when the engine could not create it (image, name, network)
     */
    @Override
    public ContainerHandle start(ContainerEngine engine) {
        Objects.requireNonNull(engine, "engine");
        synchronized (this) {
            Running current = running;
            if (current != null) {
                if (current.engine != engine) {
                    throw new IllegalStateException(this + " already runs on another engine");
                }
                return this;
            }
            for (ContainerHandle dependency : definition.dependsOn()) {
                dependency.start(engine);
            }
            launch(engine);
            return this;
        }
    }

    private void launch(ContainerEngine engine) {
        DockerfileImages.ensureBuilt(engine, definition.image());
        String image = ImageNames.resolve(definition.image(), Engines::lookup);
        String engineName = engineName(definition.name());
        List<NetworkHandle> joined = new ArrayList<>();
        List<String> networkNames = new ArrayList<>();
        String id = null;
        List<AutoCloseable> followers = new ArrayList<>();
        try {
            for (ContainerDefinition.NetworkAttachment attachment : definition.networks()) {
                networkNames.add(attachment.network().acquire(engine));
                joined.add(attachment.network());
            }
            ContainerInfo created = engine.createContainer(toSpec(engine, image, engineName, networkNames));
            id = created.id();
            copyFiles(engine, id);
            for (int i = 1; i < definition.networks().size(); i++) {
                engine.connectNetwork(networkNames.get(i), id, DefinitionSpecs.aliases(definition, definition.networks().get(i)));
            }
            beforeStart(engine, created);
            engine.startContainer(id);
            ContainerInfo info = MappedPorts.inspect(engine, id, definition, this);
            Running started = new Running(engine, id, engineName, image, info, joined, followers);
            running = started;
            ready = false;
            Session.live(this);
            for (Consumer<LogLine> listener : definition.logListeners()) {
                followers.add(LogFollower.start(engine, id, definition.name(), listener));
            }
            WaitStrategy wait = definition.waitStrategy();
            wait.waitUntilReady(this, wait.timeout().orElse(definition.startupTimeout()));
            afterReady();
            ready = true;
        } catch (RuntimeException | Error e) {
            List<String> lines = id == null ? List.of() : tail(engine, id, ContainerNotReadyException.LOG_LINES);
            cleanUp(engine, id, joined, followers, e);
            running = null;
            ready = false;
            Session.gone(this);
            keptLogLines = lines;
            if (id == null || e instanceof ContainerNotReadyException || e instanceof Error) {
                throw e;
            }
            if (e instanceof ContainerStartException && lines.isEmpty()) {
                lines = ((ContainerStartException) e).lastLogLines();
            }
            throw new ContainerNotReadyException(definition.name(), image, "failed to start: " + e.getMessage(), "",
                    lines, null, e);
        }
    }

    /**
     * Called with the engine spec made from the definition, just before the container is created: a subclass can
     * change it (the definition's own {@code engineSpec} customizers still come after).
     */
    protected void beforeCreate(ContainerEngine engine, ContainerSpec.Builder spec) {
    }

    /**
     * Called when the container is created and its files are copied in, just before it starts: a subclass can put
     * more into it. A failure fails the start (the container is removed).
     */
    protected void beforeStart(ContainerEngine engine, ContainerInfo created) {
    }

    /**
     * Called when the wait strategy found the container ready, before anyone else uses it. A failure fails the
     * start (the container is removed, its logs kept).
     */
    protected void afterReady() {
    }

    private void cleanUp(ContainerEngine engine, String id, List<NetworkHandle> joined, List<AutoCloseable> followers,
                         Throwable failure) {
        followers.forEach(f -> closeQuietly(f, failure));
        if (id != null) {
            try {
                engine.removeContainer(id, true);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        for (NetworkHandle network : joined) {
            try {
                network.release();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Stops and removes the container (killing it unless a stop timeout was set); keeps its last log lines. */
    @Override
    public void stop() {
        synchronized (this) {
            Running current = running;
            if (current == null) {
                return;
            }
            RuntimeException failure = null;
            current.followers.forEach(f -> closeQuietly(f, null));
            keptLogLines = tail(current.engine, current.id, ContainerNotReadyException.LOG_LINES);
            try {
                if (definition.stopTimeout() != null) {
                    current.engine.stopContainer(current.id, definition.stopTimeout());
                }
                current.engine.removeContainer(current.id, true);
            } catch (ContainerNotFoundException gone) {
                // removed already (auto-remove, or by hand): what stop wanted
            } catch (RuntimeException e) {
                failure = e;
            }
            for (NetworkHandle network : current.networks) {
                try {
                    network.release();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            running = null;
            ready = false;
            Session.gone(this);
            if (failure != null) {
                throw failure;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    /** Whether it runs and its wait strategy found it ready. */
    public boolean isReady() {
        return running != null && ready;
    }

    /** The engine it runs on. */
    public ContainerEngine engine() {
        return require().engine;
    }

    /** Its engine id. */
    public String id() {
        return require().id;
    }

    /** Its engine name: its DSL name plus a random suffix. */
    public String engineName() {
        return require().engineName;
    }

    /** The image the engine was asked for (after any mirror rewrite). */
    public String image() {
        Running current = running;
        return current != null ? current.image : ImageNames.resolve(definition.image(), Engines::lookup);
    }

    /** What the engine says about it now. */
    public ContainerInfo info() {
        Running current = require();
        return current.engine.inspectContainer(current.id);
    }

    /** The host to connect to for its published ports. */
    public String host() {
        return MappedPorts.host(require().info);
    }

    /**
     * The host port its TCP {@code containerPort} is published on.
     *
     * @throws IllegalArgumentException when that port is not published (saying which are)
     */
    public int port(int containerPort) {
        return MappedPorts.port(require().info, containerPort, this);
    }

    /** {@code host:port} for its TCP {@code containerPort}, e.g. {@code 127.0.0.1:49153}. */
    public String endpoint(int containerPort) {
        String host = host();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port(containerPort);
    }

    /** {@code http://host:port} for its TCP {@code containerPort}. */
    public URI httpUri(int containerPort) {
        return URI.create("http://" + endpoint(containerPort));
    }

    /** Everything it logged so far, both streams. */
    public List<LogLine> logs() {
        Running current = require();
        try (ContainerLogs logs = current.engine.logs(current.id, LogOptions.all());
             Stream<LogLine> lines = logs.lines()) {
            return lines.collect(Collectors.toList());
        }
    }

    /** Everything it logged so far as text, one line per line. */
    public String logText() {
        return logs().stream().map(LogLine::text).collect(Collectors.joining("\n"));
    }

    /**
     * Its last {@code count} log lines; after it stopped (or failed to start), the last lines it had logged then.
     */
    public List<String> lastLogLines(int count) {
        Running current = running;
        if (current == null) {
            List<String> kept = keptLogLines;
            return kept.subList(Math.max(0, kept.size() - count), kept.size());
        }
        return tail(current.engine, current.id, count);
    }

    /**
     * Follows its logs (from its start on) on a thread of its own until the container stops or the returned
     * handle is closed.
     */
    public AutoCloseable followLogs(Consumer<LogLine> listener) {
        Running current = require();
        AutoCloseable follower = LogFollower.start(current.engine, current.id, definition.name(), listener);
        synchronized (this) {
            if (running == current) {
                current.followers.add(follower);
            }
        }
        return follower;
    }

    /** Runs a command in it and waits for it to end. */
    public ExecResult exec(String... command) {
        return exec(ExecSpec.of(command));
    }

    /** Runs a command in it as {@code spec} says and waits for it to end. */
    public ExecResult exec(ExecSpec spec) {
        Running current = require();
        return current.engine.exec(current.id, spec);
    }

    /** Copies a host file to {@code containerPath} (its full path), or a directory's content below {@code containerPath}. */
    public void copyTo(Path hostPath, String containerPath) {
        Running current = require();
        ContainerFiles.copyInto(current.engine, current.id, new ContainerDefinition.FileCopy(containerPath,
                hostPath.toAbsolutePath(), null, 0, hostPath.toString()), this);
    }

    /** Writes {@code content} to the file {@code containerPath} with mode 0644. */
    public void writeFile(String containerPath, byte[] content) {
        Running current = require();
        ContainerFiles.copyInto(current.engine, current.id,
                new ContainerDefinition.FileCopy(containerPath, null, content, 0644, containerPath), this);
    }

    /** Writes {@code content} (UTF-8) to the file {@code containerPath} with mode 0644. */
    public void writeFile(String containerPath, String content) {
        writeFile(containerPath, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The content of the file {@code containerPath}.
     *
     * @throws ContainerEngineException when it is not a regular file
     */
    public byte[] readFile(String containerPath) {
        Running current = require();
        return ContainerFiles.read(current.engine, current.id, containerPath, this);
    }

    /** Copies {@code containerPath} (file or directory) out of the container into the host directory {@code hostDirectory}. */
    public void copyFrom(String containerPath, Path hostDirectory) {
        Running current = require();
        ContainerFiles.copyOut(current.engine, current.id, containerPath, hostDirectory, this);
    }

    @Override
    public String toString() {
        Running current = running;
        return "container \"" + definition.name() + "\" (" + definition.image()
                + (current != null ? ", " + current.id.substring(0, Math.min(12, current.id.length())) : "") + ")";
    }

    /** The running state, or an {@link IllegalStateException} that names the container. */
    private Running require() {
        Running current = running;
        if (current == null) {
            throw new IllegalStateException(this + " is not started: start() it, or let the JUnit extension start it "
                    + "(@Container field) before using it");
        }
        return current;
    }

    private ContainerSpec toSpec(ContainerEngine engine, String image, String engineName, List<String> networkNames) {
        ContainerSpec.Builder spec = DefinitionSpecs.of(definition, image, engineName, networkNames);
        beforeCreate(engine, spec);
        for (Configurer<ContainerSpec.Builder> customizer : definition.specCustomizers()) {
            customizer.configure(spec);
        }
        return spec.build();
    }

    private void copyFiles(ContainerEngine engine, String id) {
        for (ContainerDefinition.FileCopy file : definition.files()) {
            ContainerFiles.copyInto(engine, id, file, this);
        }
    }

    private static List<String> tail(ContainerEngine engine, String id, int count) {
        try (ContainerLogs logs = engine.logs(id, LogOptions.all().withTail(count));
             Stream<LogLine> lines = logs.lines()) {
            List<String> all = lines.map(LogLine::text).collect(Collectors.toList());
            return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
        } catch (RuntimeException e) {
            return List.of("(its logs could not be read: " + e.getMessage() + ")");
        }
    }

    private static String engineName(String name) {
        String base = name.length() > 54 ? name.substring(0, 54) : name;
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void closeQuietly(AutoCloseable closeable, Throwable failure) {
        try {
            closeable.close();
        } catch (Exception e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    /** What a started container holds; replaced as a whole, so readers never see half of it. */
    private static final class Running {
        final ContainerEngine engine;
        final String id;
        final String engineName;
        final String image;
        final ContainerInfo info;
        final List<NetworkHandle> networks;
        final List<AutoCloseable> followers;

        Running(ContainerEngine engine, String id, String engineName, String image, ContainerInfo info,
                List<NetworkHandle> networks, List<AutoCloseable> followers) {
            this.engine = engine;
            this.id = id;
            this.engineName = engineName;
            this.image = image;
            this.info = info;
            this.networks = List.copyOf(networks);
            this.followers = followers;
        }
    }
}
