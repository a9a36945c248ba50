package dev.stevedore.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runnable part of an image's configuration, as the image's author wrote it: what runs, as whom,
 * where, with what environment, which ports and volumes it declares and how to stop it.
 *
 * @param entrypoint  ENTRYPOINT, empty when none
 * @param cmd         CMD, empty when none
 * @param env         ENV as {@code KEY=value} strings, in image order
 * @param workingDir  WORKDIR, empty for {@code /}
 * @param user        USER as written ({@code postgres}, {@code 999:999}), empty for root
 * @param exposedPorts EXPOSE as {@code 5432/tcp}
 * @param volumes     VOLUME paths
 * @param labels      LABELs
 * @param stopSignal  STOPSIGNAL, empty for SIGTERM
 * @param healthcheck HEALTHCHECK, or {@code null} when the image has none
 */
public record ImageConfig(
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        Set<String> exposedPorts,
        Set<String> volumes,
        Map<String, String> labels,
        String stopSignal,
        Healthcheck healthcheck) {

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        exposedPorts = Set.copyOf(exposedPorts);
        volumes = Set.copyOf(volumes);
        labels = Map.copyOf(labels);
        stopSignal = stopSignal == null ? "" : stopSignal;
    }

    /** An image configuration that declares nothing. */
    public static ImageConfig empty() {
        return new ImageConfig(List.of(), List.of(), List.of(), "", "", Set.of(), Set.of(), Map.of(), "", null);
    }

    /**
     * An image's HEALTHCHECK.
     *
     * @param test        {@code ["CMD", ...]}, {@code ["CMD-SHELL", "..."]} or {@code ["NONE"]}
     * @param interval    time between checks, zero for the default
     * @param timeout     time a check may take, zero for the default
     * @param startPeriod grace period after start, zero for none
     * @param retries     consecutive failures that make the container unhealthy, zero for the default
     */
    public record Healthcheck(List<String> test, Duration interval, Duration timeout, Duration startPeriod, int retries) {
        public Healthcheck {
            test = List.copyOf(test);
        }
    }
}
