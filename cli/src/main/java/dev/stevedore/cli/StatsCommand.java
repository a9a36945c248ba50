package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore stats}: Docker's table of CPU, memory, network and pids per running container (all of them when
 * none is named). A CPU percentage is a rate, so each row compares two samples a second apart, as {@code docker stats}
 * does with the daemon's previous sample; without {@code --no-stream} the table is printed again every second.
 * {@code --format} takes docker's forms ({@code table}, {@code json}, {@code table TEMPLATE}, {@code TEMPLATE}) over
 * docker's fields {@code .Container} (the name or ID as given), {@code .Name}, {@code .ID}, {@code .CPUPerc},
 * {@code .MemUsage}, {@code .MemPerc}, {@code .NetIO}, {@code .BlockIO} and {@code .PIDs}.
 */
@Command(name = "stats", description = "Display a live stream of container resource usage statistics.")
final class StatsCommand extends EngineCommand {
    private static final long INTERVAL_MILLIS = 1000;
    /** docker's column titles of the fields. */
    private static final Map<String, String> HEADERS = Map.of("Container", "CONTAINER", "Name", "NAME",
            "ID", "CONTAINER ID", "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %",
            "NetIO", "NET I/O", "BlockIO", "BLOCK I/O", "PIDs", "PIDS");

    @Mixin
    HelpOption help;

    @Option(names = "--no-stream", description = "Print one table and exit.")
    boolean noStream;

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json (one object per line), "
            + "'table TEMPLATE' or a Go TEMPLATE per container, e.g. '{{.Name}} {{.CPUPerc}}' (fields: .Container .Name "
            + ".ID .CPUPerc .MemUsage .MemPerc .NetIO .BlockIO .PIDs).")
    String format = "table";

    private Listing listing;

    @Parameters(arity = "0..*", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    List<String> containers = new ArrayList<>();

    @Override
    void validate() {
        listing = listing(format);
    }

    @Override
    int run(ContainerEngine engine) {
        List<String> names = containers.isEmpty()
                ? engine.containers(false, Map.of()).stream().map(ContainerInfo::id).toList() : containers;
        Map<String, ContainerStats> previous = sample(engine, names);
        do {
            waitInterval();
            Map<String, ContainerStats> now = sample(engine, names);
            if (!noStream && terminal()) {
                out().print("\033[2J\033[H"); // as docker stats: the table replaces the last one
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String name : names) {
                ContainerInfo info = engine.inspectContainer(name);
                // .Container is the container as named on the command line; docker's short ID when none was
                rows.add(fields(containers.isEmpty() ? info.id().substring(0, 12) : name, info, previous.get(name),
                        now.get(name)));
            }
            if (listing.custom()) {
                listing.print(out(), HEADERS, rows);
            } else {
                Table table = new Table("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O",
                        "PIDS");
                for (Map<String, Object> row : rows) {
                    table.row(Stream.of("ID", "Name", "CPUPerc", "MemUsage", "MemPerc", "NetIO", "BlockIO", "PIDs")
                            .map(field -> (String) row.get(field)).toArray(String[]::new));
                }
                table.print(out());
            }
            out().flush();
            previous = now;
        } while (!noStream);
        return 0;
    }

    /**
     * A container's row under docker's field names, in the order Go's json writes them (by name); "--" where it has no
     * sample (it is not running).
     */
    private static Map<String, Object> fields(String given, ContainerInfo info, ContainerStats before, ContainerStats s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("BlockIO", s == null ? "--" : "0B / 0B");
        row.put("CPUPerc", s == null ? "--" : percent(cpu(before, s)));
        row.put("Container", given);
        row.put("ID", info.id().substring(0, 12));
        row.put("MemPerc", s == null ? "--" : percent(s.memoryLimitBytes() == 0 ? 0 : 100.0 * memory(s) / s.memoryLimitBytes()));
        row.put("MemUsage", s == null ? "-- / --" : binary(memory(s)) + " / " + binary(s.memoryLimitBytes()));
        row.put("Name", info.name());
        row.put("NetIO", s == null ? "--" : network(s));
        row.put("PIDs", s == null ? "--" : Long.toString(s.pids()));
        return row;
    }

    private boolean terminal() {
        return System.console() != null;
    }

    /** Samples of the running ones among {@code names}; a stopped container has none. */
    private Map<String, ContainerStats> sample(ContainerEngine engine, List<String> names) {
        Map<String, ContainerStats> samples = new LinkedHashMap<>();
        for (String name : names) {
            try {
                samples.put(name, engine.stats(name));
            } catch (ContainerEngineException e) {
                if (engine.inspectContainer(name).state().running()) {
                    throw e;
                }
            }
        }
        return samples;
    }

    /** The interval between two samples: their counters are totals, a percentage needs two. */
    private static void waitInterval() {
        try {
            TimeUnit.MILLISECONDS.sleep(INTERVAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Docker's CPU percentage: the container's share of the host's CPU time between the samples, times the CPUs. */
    static double cpu(ContainerStats before, ContainerStats now) {
        if (before == null) {
            return 0;
        }
        double container = now.cpuTotalNanos() - before.cpuTotalNanos();
        double system = now.systemCpuNanos() - before.systemCpuNanos();
        return system <= 0 || container <= 0 ? 0 : container / system * now.onlineCpus() * 100.0;
    }

    /** The usage docker stats prints: without the inactive page cache. */
    static long memory(ContainerStats s) {
        return s.memoryCacheBytes() < s.memoryUsageBytes() ? s.memoryUsageBytes() - s.memoryCacheBytes() : s.memoryUsageBytes();
    }

    private static String network(ContainerStats s) {
        long rx = s.networks().values().stream().mapToLong(ContainerStats.Interface::rxBytes).sum();
        long tx = s.networks().values().stream().mapToLong(ContainerStats.Interface::txBytes).sum();
        return Sizes.human(rx) + " / " + Sizes.human(tx);
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.2f%%", value);
    }

    /** Go's {@code units.BytesSize}: powers of 1024, four significant digits ({@code 1.395MiB}). */
    static String binary(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString()
                + units[unit];
    }
}
