package dev.stevedore.engine.bench;

import dev.stevedore.engine.Capability;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompFilter;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompPolicy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures (does not assert) what the seccomp filter adds to a container: the Java side's compile (once per JVM,
 * then cached) and, through {@code seccomp-cost.c} compiled here with gcc, the launcher's load of the default filter
 * and the per-call cost inside a container. A whole start on a shared machine varies by milliseconds, far more than
 * this step, so {@code bench/containers} prints these figures beside its start latencies. Run as
 * {@code java -cp <test classpath> dev.stevedore.engine.bench.SeccompCost [rounds]}.
 */
public final class SeccompCost {
    private SeccompCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        long t0 = System.nanoTime();
        SeccompFilter filter = SeccompPolicy.filter(List.of(), Capability.containerDefaults()).orElseThrow();
        long t1 = System.nanoTime();
        SeccompPolicy.filter(List.of(), Capability.containerDefaults());
        long t2 = System.nanoTime();
        System.out.printf("compile in the JVM: first %.2f ms (JSON, tables, BPF), then cached %.4f ms; %d instructions%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, filter.instructions());

        Path dir = Files.createTempDirectory("stevedore-seccomp-cost-");
        try {
            Path source = dir.resolve("seccomp-cost.c");
            try (InputStream in = SeccompCost.class.getResourceAsStream("seccomp-cost.c")) {
                Files.write(source, in.readAllBytes());
            }
            Path binary = dir.resolve("seccomp-cost");
            Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), source.toString()).inheritIO().start();
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc failed on seccomp-cost.c");
            }
            Process cost = new ProcessBuilder(binary.toString(), Integer.toString(rounds)).redirectErrorStream(true).start();
            cost.getOutputStream().write(filter.program().getBytes(StandardCharsets.US_ASCII));
            cost.getOutputStream().close();
            System.out.print(new String(cost.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            cost.waitFor();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
