package dev.stevedore.dsl;

import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.dsl.internal.ImageNames;
import dev.stevedore.engine.BuildListener;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerSpec;

/**
 * A compose service with {@code build:}: its image is built on the engine it starts on, just before the container
 * is made, and tagged with the service's image name (and with the name the DSL asks the engine for when an image
 * mirror rewrites {@code docker.io} names, so the build, not a pull, is what runs).
 */
final class BuiltImageContainer extends ContainerHandle {
    private final ComposeService.Build build;
    private final String project;

    BuiltImageContainer(ContainerDefinition definition, ComposeService.Build build, String project) {
        super(definition);
        this.build = build;
        this.project = project;
    }

    @Override
    public ContainerHandle start(ContainerEngine engine) {
        if (!isRunning()) {
            BuildSpec.Builder spec = BuildSpec.builder(build.context()).dockerfile(build.dockerfile()).target(build.target())
                    .label("com.docker.compose.project", project).tag(definition().image());
            String asked = ImageNames.resolve(definition().image(), Engines::lookup);
            if (!asked.equals(definition().image())) {
                spec.tag(asked);
            }
            build.args().forEach(spec::buildArg);
            spec.networkMode(build.network());
            build.extraHosts().forEach(spec::extraHost);
            engine.build(spec.build(), BuildListener.NONE);
        }
        return super.start(engine);
    }

    @Override
    protected void beforeCreate(ContainerEngine engine, ContainerSpec.Builder spec) {
        spec.pullPolicy(ContainerSpec.PullPolicy.NEVER);
    }
}
