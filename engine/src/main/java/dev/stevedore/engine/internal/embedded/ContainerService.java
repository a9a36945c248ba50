package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogOptions;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Containers in the embedded engine: create, start, stop, remove, logs, exec, copy. */
final class ContainerService implements AutoCloseable {
    private final EngineSettings settings;
    private final ImageService images;

    ContainerService(EngineSettings settings, ImageService images) {
        this.settings = settings;
        this.images = images;
    }

    private static UnsupportedOperationException notYet() {
        return new UnsupportedOperationException("containers are not yet built in the embedded engine");
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
    }
}
