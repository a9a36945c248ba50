import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs one test class through the JUnit Platform in this fresh JVM and prints how long it took from the launch to
 * the moment its test had the answer of its first JDBC query: {@code RESULT <name> <milliseconds>}.
 */
public final class Harness {
    /** Set by the test when its first query answered. */
    public static volatile long answeredAt;

    public static void main(String[] args) throws Exception {
        Class<?> testClass = Class.forName(args[0]);
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        long started = System.nanoTime();
        launcher.execute(request, summary);
        if (summary.getSummary().getTotalFailureCount() > 0 || summary.getSummary().getTestsSucceededCount() != 1) {
            summary.getSummary().printFailuresTo(new java.io.PrintWriter(System.err), 20);
            System.exit(1);
        }
        System.out.printf(java.util.Locale.ROOT, "RESULT %s %.1f%n", args[1], (answeredAt - started) / 1e6);
    }
}
