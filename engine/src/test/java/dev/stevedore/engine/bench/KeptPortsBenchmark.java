package dev.stevedore.engine.bench;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.testbed.Testbed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Measures (does not assert) what a port proxy process costs a kept container ({@link ContainerSpec#KEEP_LABEL},
 * as the CLI's {@code run} makes): {@code runContainer} of busybox {@code nc -l} with port 7 published,
 *
 * <ul>
 *   <li>without a published port (the baseline), not kept and kept (a kept container's files are on disk, not
 *       in memory),</li>
 *   <li>not kept: the port served by this JVM's proxy,</li>
 *   <li>kept: the port served by a port proxy process of its own, which {@code runContainer} waits for;</li>
 * </ul>
 * then {@code removeContainer(force)} of each (a kept one's removal also stops its proxy process). The four
 * are interleaved round by round, so a shared machine's load hits them alike. Run as root with the test bed
 * up: {@code java -cp engine/target/classes:engine/target/test-classes:<deps>
 * dev.stevedore.engine.bench.KeptPortsBenchmark [rounds]}.
 */
public final class KeptPortsBenchmark {
    private KeptPortsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String image = Testbed.get().plainRegistry() + "/library/busybox:latest";
        Path state = Files.createTempDirectory("stevedore-kept-ports-bench-");
        Map<String, Function<ContainerSpec.Builder, ContainerSpec.Builder>> kinds = Map.of(
                "no port", b -> b,
                "no port, kept", b -> b.label(ContainerSpec.KEEP_LABEL, "true"),
                "port, not kept", b -> b.port(PortBinding.loopback(7)),
                "port, kept", b -> b.port(PortBinding.loopback(7)).label(ContainerSpec.KEEP_LABEL, "true"));
        List<String> order = List.of("no port", "no port, kept", "port, not kept", "port, kept");
        Map<String, List<Double>> run = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> remove = new java.util.LinkedHashMap<>();
        order.forEach(k -> {
            run.put(k, new ArrayList<>());
            remove.put(k, new ArrayList<>());
        });
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            engine.pull(image);
            for (int round = -2; round < rounds; round++) {
                for (String kind : order) {
                    ContainerSpec spec = kinds.get(kind).apply(ContainerSpec.builder(image).cmd("nc", "-ll", "-p", "7", "-e", "cat")).build();
                    long start = System.nanoTime();
                    ContainerInfo info = engine.runContainer(spec);
                    long started = System.nanoTime();
                    if (!info.ports().isEmpty()) {
                        try {
                            answer(info.ports().get(0).hostPort());
                        } catch (IOException e) {
                            throw new IOException(kind + ", round " + round + ": connecting to " + info.ports().get(0)
                                    + " failed: " + e, e);
                        }
                    }
                    long removing = System.nanoTime();
                    engine.removeContainer(info.id(), true);
                    long removed = System.nanoTime();
                    if (round >= 0) {
                        run.get(kind).add((started - start) / 1e6);
                        remove.get(kind).add((removed - removing) / 1e6);
                    }
                }
            }
        } finally {
            deleteQuietly(state);
        }
        System.out.printf("%-16s %28s %28s%n", "", "runContainer ms (median p90)", "removeContainer ms (median p90)");
        for (String kind : order) {
            System.out.printf("%-16s %20.1f %7.1f %20.1f %7.1f%n", kind, percentile(run.get(kind), 50), percentile(run.get(kind), 90),
                    percentile(remove.get(kind), 50), percentile(remove.get(kind), 90));
        }
    }

    /**
     * Connects through the published port: the proxy accepts (the relay itself is another benchmark's). A reset
     * counts as an answer: the proxy accepted and reset the connection because the container's server did not
     * listen yet (the reset can reach the client while its connect still completes).
     */
    private static void answer(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        } catch (java.net.SocketException e) {
            if (e instanceof java.net.ConnectException || !String.valueOf(e.getMessage()).contains("reset")) {
                throw e;
            }
        }
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the next reboot cleans it
        }
    }
}
