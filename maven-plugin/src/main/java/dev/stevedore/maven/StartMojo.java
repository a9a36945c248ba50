package dev.stevedore.maven;

import dev.stevedore.dsl.Engines;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.postgres.PostgresContainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code stevedore:start}: starts the configured containers (in parallel, each until ready) and exports where they
 * are as project properties, for the plugins that run next:
 *
 * <ul>
 *   <li>{@code stevedore.<id>.host} and {@code stevedore.<id>.port.<containerPort>} for each published port;</li>
 *   <li>{@code stevedore.<id>.containerId};</li>
 *   <li>with {@code <postgres>}: {@code stevedore.<id>.jdbcUrl}, {@code .username}, {@code .password},
 *       {@code .database}.</li>
 * </ul>
 *
 * <p>Failsafe hands them to the tests through {@code <systemPropertyVariables>}; Flyway's and jOOQ's plugins take
 * them in their own configuration. Bound to {@code pre-integration-test} by default; bind it to
 * {@code generate-sources} (and {@code stop} to {@code process-sources}) to generate code from a live schema.
 *
 * <p>The engine is chosen as everywhere in Stevedore: {@code STEVEDORE_ENGINE}, else {@code DOCKER_HOST} or a docker
 * context, else the embedded engine where it runs. When one container fails to start, those this goal started are
 * stopped before the build fails. Containers {@code stop} never reaches end with the Maven JVM, even when it is
 * killed (embedded engine); on Docker, a killed JVM's containers are removed by the next Stevedore engine to open.
 */
@Mojo(name = "start", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public class StartMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The containers to start; see {@link ContainerConfiguration}. */
    @Parameter
    private List<ContainerConfiguration> containers;

    /** Starts nothing (and exports nothing) when true. */
    @Parameter(property = "stevedore.skip", defaultValue = "false")
    private boolean skip;

    /** For Maven. */
    public StartMojo() {
    }

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("stevedore.skip is set: no containers started");
            return;
        }
        Started started = Started.in(getPluginContext());
        List<Definitions.Planned> planned = Definitions.of(containers, project.getBasedir(), started.ids());
        ContainerEngine engine;
        try {
            engine = Engines.shared();
            Stevedore.startAll(engine, planned.stream().map(Definitions.Planned::handle).toList());
        } catch (ContainerEngineException e) {
            throw new MojoExecutionException("stevedore:start could not start "
                    + planned.stream().map(Definitions.Planned::id).toList() + ": " + e.getMessage(), e);
        }
        started.add(planned);
        Properties properties = project.getProperties();
        for (Definitions.Planned container : planned) {
            Map<String, String> exported = exported(container);
            exported.forEach(properties::setProperty);
            getLog().info("Started " + container.id() + " (" + container.handle().image() + ") on "
                    + container.handle().engineName() + ": " + summary(exported));
        }
    }

    /** The properties {@code container} exports, in a stable order. */
    static Map<String, String> exported(Definitions.Planned container) {
        String prefix = "stevedore." + container.id() + ".";
        Map<String, String> exported = new LinkedHashMap<>();
        exported.put(prefix + "host", container.handle().host());
        for (int port : container.ports()) {
            exported.put(prefix + "port." + port, Integer.toString(container.handle().port(port)));
        }
        exported.put(prefix + "containerId", container.handle().id());
        if (container.handle() instanceof PostgresContainer pg) {
            exported.put(prefix + "jdbcUrl", pg.jdbcUrl());
            exported.put(prefix + "username", pg.username());
            exported.put(prefix + "password", pg.password());
            exported.put(prefix + "database", pg.databaseName());
        }
        return exported;
    }

    private static String summary(Map<String, String> exported) {
        StringBuilder text = new StringBuilder();
        exported.forEach((name, value) -> {
            if (!name.endsWith(".password")) {
                text.append(text.length() == 0 ? "" : ", ").append("${").append(name).append("}=").append(value);
            }
        });
        return text.toString();
    }
}
