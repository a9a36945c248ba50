package dev.stevedore.engine.internal.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * The main of a child JVM for {@link LifelineIT}: starts a {@code sleep 1000} container, prints
 * {@code started <container pid> <supervisor pid>}, then blocks until it is killed.
 */
public final class LifelineChild {
    private LifelineChild() {
    }

    public static void main(String[] args) throws Exception {
        Path stateRoot = Path.of(args[0]);
        Path rootfs = Path.of(args[1]);
        RuntimeSpec spec = RuntimeSpec.builder(stateRoot.resolve("containers").resolve(args[2]), List.of(rootfs),
                List.of("sleep", "1000")).build();
        ContainerProcess container = Launcher.extractedTo(stateRoot).run(spec);
        System.out.println("started " + container.pid() + " " + container.supervisorPid());
        System.out.flush();
        System.in.read();
    }
}
