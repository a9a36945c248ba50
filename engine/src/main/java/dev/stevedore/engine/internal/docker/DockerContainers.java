package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogOptions;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Containers through the Docker Engine API: create, start, stop, remove, logs, exec, copy. Everything it
 * creates carries {@link Labels#forSession} labels, so {@link #close()} and the next engine's sweep can
 * remove it (see {@link Labels}). Not built yet: every operation says so.
 */
final class DockerContainers implements AutoCloseable {
    private final DockerApi api;
    private final UUID session;

    DockerContainers(DockerApi api, UUID session) {
        this.api = api;
        this.session = session;
    }

    private UnsupportedOperationException notYet() {
        return new UnsupportedOperationException("containers are not yet built in the Docker backend (daemon at "
                + api.endpoint().uri() + ", session " + session + ")");
    }

    ContainerInfo create(ContainerSpec spec) { throw notYet(); }
    void start(String container) { throw notYet(); }
    ContainerInfo inspect(String container) { throw notYet(); }
    List<ContainerInfo> list(boolean all, Map<String, String> labels) { throw notYet(); }
    ContainerState await(String container, Duration timeout) { throw notYet(); }
    void stop(String container, Duration grace) { throw notYet(); }
    void kill(String container, String signal) { throw notYet(); }
    void remove(String container, boolean force) { throw notYet(); }
    ContainerLogs logs(String container, LogOptions options) { throw notYet(); }
    ExecResult exec(String container, ExecSpec spec) { throw notYet(); }
    void copyTo(String container, String directory, InputStream tar) { throw notYet(); }
    InputStream copyFrom(String container, String path) { throw notYet(); }

    @Override
    public void close() {
        // will remove this session's containers, networks and volumes
    }
}
