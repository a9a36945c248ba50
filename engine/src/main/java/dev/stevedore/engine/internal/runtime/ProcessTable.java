package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerTop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A container's processes as {@code docker top} lists them, made the way dockerd makes them: the host's {@code ps} with
 * the caller's arguments (and {@code -q PIDS}, which procps's ps takes; without it when ps refuses the pair, as with
 * {@code f}), its rows narrowed by the {@code PID} column to the container's processes. Those are the processes in the
 * pid namespace of the container's first process, which holds whatever {@code exec} started too; this needs no cgroup,
 * so a rootless engine without delegated cgroups lists them the same. A container that shares the host's pid namespace
 * ({@code --pid host}) would list every host process that way: its processes are those in its first process's cgroup
 * instead, as dockerd lists them.
 */
public final class ProcessTable {
    private static final long PS_TIMEOUT_SECONDS = 30; // ps is quick; a loaded machine is not

    private ProcessTable() {
    }

    /**
     * Lists the processes of the container whose first process is {@code firstPid}, with {@code psArgs} ({@code null}
     * or blank: {@value ContainerTop#DEFAULT_PS_ARGS}); {@code container} names it in errors; {@code owners}, for a
     * rootless container, turns the user and group columns into the ids the container has ({@code null} as root).
     */
    public static ContainerTop of(long firstPid, String psArgs, String container, IdMapping owners) {
        String args = psArgs == null || psArgs.isBlank() ? ContainerTop.DEFAULT_PS_ARGS : psArgs.strip();
        Set<Long> pids = members(firstPid, container);
        List<String> command = new ArrayList<>();
        command.add("ps");
        command.addAll(Arrays.asList(args.split("\\s+")));
        List<String> narrowed = new ArrayList<>(command);
        narrowed.add("-q");
        narrowed.add(pids.stream().map(String::valueOf).collect(Collectors.joining(",")));
        Run run = ps(narrowed, container);
        if (run.exitCode() != 0) {
            run = ps(command, container); // some options (f) exclude -q, as dockerd found
        }
        if (run.exitCode() != 0) {
            throw new ContainerEngineException("listing the processes of container " + container + " failed: ps " + args
                    + " exited with " + run.exitCode() + ": " + run.stderr().strip() + " — check the ps options");
        }
        ContainerTop top = parse(run.stdout(), pids, container);
        return owners == null ? top : ProcessOwners.of(owners).map(top);
    }

    /** ps's output narrowed to {@code pids}, as dockerd parses it: the last column takes the rest of each line. */
    static ContainerTop parse(String output, Set<Long> pids, String container) {
        List<String> lines = output.lines().toList();
        List<String> titles = lines.isEmpty() ? List.of() : List.of(lines.get(0).strip().split("\\s+"));
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw new ContainerEngineException("listing the processes of container " + container + " failed: ps printed no"
                    + " PID column (titles " + titles + "); keep pid in the ps options");
        }
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.strip().split("\\s+");
            if (line.isBlank() || fields.length <= pidColumn) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(fields[pidColumn]);
            } catch (NumberFormatException e) {
                throw new ContainerEngineException("listing the processes of container " + container + " failed: ps"
                        + " printed \"" + fields[pidColumn] + "\" in the PID column of: " + line, e);
            }
            if (pids.contains(pid)) {
                List<String> row = new ArrayList<>(Arrays.asList(fields).subList(0, Math.min(fields.length, titles.size() - 1)));
                row.add(fields.length >= titles.size()
                        ? String.join(" ", Arrays.asList(fields).subList(titles.size() - 1, fields.length)) : "");
                rows.add(row);
            }
        }
        return new ContainerTop(titles, rows);
    }

    /**
     * The processes in the pid namespace of {@code firstPid} (in its cgroup when that namespace is the host's), by their
     * pid on the host.
     */
    private static Set<Long> members(long firstPid, String container) {
        String namespace;
        try {
            namespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(firstPid), "ns", "pid")).toString();
        } catch (IOException e) {
            throw new ContainerEngineException("listing the processes of container " + container + " failed: cannot read"
                    + " the pid namespace of its process " + firstPid + ": " + e.getMessage(), e);
        }
        String cgroup = null;
        try {
            if (namespace.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString())) {
                cgroup = Files.readString(Path.of("/proc", Long.toString(firstPid), "cgroup"));
            }
        } catch (IOException e) {
            throw new ContainerEngineException("listing the processes of container " + container + " failed: cannot read"
                    + " the cgroup of its process " + firstPid + ": " + e.getMessage(), e);
        }
        Set<Long> pids = new TreeSet<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path p : processes) {
                try {
                    if (cgroup != null ? cgroup.equals(Files.readString(p.resolve("cgroup")))
                            : namespace.equals(Files.readSymbolicLink(p.resolve("ns/pid")).toString())) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // ended meanwhile, or another user's: not one of the container's
                }
            }
        } catch (IOException e) {
            throw new ContainerEngineException("listing the processes of container " + container + " failed: cannot list"
                    + " /proc: " + e.getMessage(), e);
        }
        return pids;
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run ps(List<String> command, String container) {
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            String out = read(process.getInputStream());
            if (!process.waitFor(PS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ContainerEngineException("listing the processes of container " + container + " failed: ps did not"
                        + " end within " + PS_TIMEOUT_SECONDS + " s");
            }
            return new Run(process.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new ContainerEngineException("listing the processes of container " + container + " failed: cannot run ps"
                    + " (" + e.getMessage() + "); install procps", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerEngineException("interrupted while listing the processes of container " + container, e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
