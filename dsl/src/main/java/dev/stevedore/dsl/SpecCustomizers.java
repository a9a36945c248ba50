package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The section of a {@link ContainerConfig} for options it hands straight to the engine's spec (security, kernel,
 * name resolution, devices, restart): changes applied in order when the spec is made, each checked against a scratch
 * spec when it is set, so a value the engine refuses becomes one of the definition's problems instead of a failed start.
 */
final class SpecCustomizers {
    private final List<Configurer<ContainerSpec.Builder>> customizers = new ArrayList<>();
    private final List<String> problems;

    /** A section reporting refused values into {@code problems}, the config's list. */
    SpecCustomizers(List<String> problems) {
        this.problems = problems;
    }

    /** Adds a change whose values the spec checks only when it is made. */
    void add(Configurer<ContainerSpec.Builder> customizer) {
        customizers.add(customizer);
    }

    /** Adds a change whose values the spec checks now, recording a refusal as a problem of the definition. */
    void checked(Configurer<ContainerSpec.Builder> customizer) {
        try {
            ContainerSpec.Builder scratch = ContainerSpec.builder("scratch");
            customizer.configure(scratch);
            scratch.build();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        customizers.add(customizer);
    }

    List<Configurer<ContainerSpec.Builder>> all() {
        return customizers;
    }
}
