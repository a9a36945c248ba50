package dev.stevedore.maven;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Stevedore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The containers {@code start} started for one project, kept in the plugin context Maven shares between this
 * plugin's goals of that project, until {@code stop} takes them. Whatever {@code stop} never reaches (a build that
 * failed or was interrupted in between) goes with the Maven JVM: the embedded engine's lifeline, or the Docker
 * session's shutdown hook.
 */
final class Started {
    private static final String KEY = Started.class.getName();

    private final List<Definitions.Planned> containers = new ArrayList<>();

    private Started() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static synchronized Started in(Map pluginContext) {
        return (Started) ((Map<String, Object>) pluginContext).computeIfAbsent(KEY, k -> new Started());
    }

    synchronized void add(List<Definitions.Planned> started) {
        containers.addAll(started);
    }

    synchronized Set<String> ids() {
        return containers.stream().map(Definitions.Planned::id).collect(Collectors.toSet());
    }

    /** Stops every container this project still runs, those started last first, and forgets them. */
    synchronized List<String> stopAll() {
        List<ContainerHandle> handles = containers.stream().map(Definitions.Planned::handle).toList();
        List<String> ids = containers.stream().map(Definitions.Planned::id).toList();
        containers.clear();
        Stevedore.stopAll(handles);
        return ids;
    }
}
