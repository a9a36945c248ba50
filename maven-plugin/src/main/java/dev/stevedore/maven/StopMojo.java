package dev.stevedore.maven;

import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code stevedore:stop}: stops and removes every container {@code stevedore:start} started in this project. Bound to
 * {@code post-integration-test}, so it runs before Failsafe's {@code verify} fails the build over a failed test.
 */
@Mojo(name = "stop", defaultPhase = LifecyclePhase.POST_INTEGRATION_TEST, threadSafe = true)
public class StopMojo extends AbstractMojo {
    /** Stops nothing when true (the containers then end with the Maven JVM). */
    @Parameter(property = "stevedore.skip", defaultValue = "false")
    private boolean skip;

    /** For Maven. */
    public StopMojo() {
    }

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            return;
        }
        try {
            List<String> stopped = Started.in(getPluginContext()).stopAll();
            if (!stopped.isEmpty()) {
                getLog().info("Stopped " + String.join(", ", stopped));
            }
        } catch (RuntimeException e) {
            throw new MojoExecutionException("stevedore:stop could not stop every container: " + e.getMessage(), e);
        }
    }
}
