package dev.stevedore.cli;

import java.util.List;
import java.util.Map;

/**
 * {@link DetachedStdinIT} on the Docker backend (the test bed's dockerd): stevedore's side is dockerd's container too,
 * so what it says of it is asked of dockerd with the docker CLI.
 */
class DetachedStdinDockerIT extends DetachedStdinIT {
    @Override
    Map<String, String> stevedoreEngine() {
        return Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", host);
    }

    @Override
    List<String> engineOptions() {
        return List.of("--engine", "docker", "-H", host);
    }

    @Override
    String stevedoreSideRunning(String name) throws Exception {
        return docker("inspect", "-f", "{{.State.Running}}", name);
    }

    @Override
    String stevedoreSideLogs(String name) throws Exception {
        return docker("logs", name) + "\n";
    }
}
