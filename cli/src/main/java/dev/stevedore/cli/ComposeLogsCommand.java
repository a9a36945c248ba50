package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Parameters;

/** {@code compose logs}, each line prefixed with its container as docker compose does ({@code web-1  | ...}). */
@Command(name = "logs", description = "Show the services' output.")
final class ComposeLogsCommand extends ComposeSubcommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output.")
    boolean follow;

    @Option(names = {"-t", "--timestamps"}, description = "Prefix each line with the time it was written.")
    boolean timestamps;

    @Option(names = "--no-log-prefix", description = "Do not prefix lines with the container's name.")
    boolean noPrefix;

    @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services (default: all).")
    List<String> services = new ArrayList<>();

    @Override
    int run(ContainerEngine engine) {
        List<ContainerInfo> containers = projects(engine).containers(true).stream()
                .filter(c -> services.isEmpty() || services.contains(c.labels().get(ComposeProjects.SERVICE))).toList();
        follow(engine, containers, follow ? LogOptions.all().following() : LogOptions.all(), !noPrefix, timestamps, outBytes());
        return 0;
    }

    /**
     * Copies the containers' logs to {@code out}, each container on a thread of its own, lines whole, their bytes as
     * the containers wrote them; an unterminated last line is ended with a newline, as docker compose ends it, so the
     * next container's line starts on a line of its own. Returns when every stream has ended (with {@code options}
     * following: when every container has exited).
     */
    static void follow(ContainerEngine engine, List<ContainerInfo> containers, LogOptions options, boolean prefix,
                       boolean timestamps, ByteOutput out) {
        int width = containers.stream().mapToInt(c -> ComposeProjects.shortName(c).length()).max().orElse(0);
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, containers.size()));
        try {
            List<Future<?>> copies = new ArrayList<>();
            for (ContainerInfo container : containers) {
                String head = prefix ? String.format("%-" + width + "s  | ", ComposeProjects.shortName(container)) : "";
                copies.add(threads.submit(() -> {
                    try (ContainerLogs logs = engine.logs(container.id(), options)) {
                        logs.lines().forEach((LogLine line) -> {
                            synchronized (out) {
                                out.writeLine(head + (timestamps ? LogsCommand.TIMESTAMP.format(line.time()) + " " : ""), line);
                                out.flush();
                            }
                        });
                    }
                }));
            }
            for (Future<?> copy : copies) {
                copy.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new ContainerEngineException("reading logs failed", e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }
}
