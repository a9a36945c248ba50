package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;

/**
 * The container ITs' frame: an engine on the shared state directory for the class, and the containers a
 * test made removed (with force) after it, whatever happened.
 */
abstract class ContainerTestBase {
    static ContainerEngine engine;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void openEngine() {
        engine = ContainerTestbed.engine();
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @AfterEach
    void removeContainers() {
        for (String id : created) {
            try {
                engine.removeContainer(id, true);
            } catch (ContainerNotFoundException e) {
                // auto-removed, or removed by the test
            }
        }
    }

    /** Removes the container after the test. */
    String removeLater(String id) {
        created.add(id);
        return id;
    }

    ContainerInfo run(ContainerSpec.Builder spec) {
        ContainerInfo info = engine.runContainer(spec.build());
        removeLater(info.id());
        return info;
    }

    ContainerInfo create(ContainerSpec.Builder spec) {
        ContainerInfo info = engine.createContainer(spec.build());
        removeLater(info.id());
        return info;
    }
}
