package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.Mount;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A RUN: its command (shell or exec form, here-documents), its flags ({@code --mount=type=cache},
 * {@code --network}), its cache key from the command and every build arg in scope, and, when the cache misses, the
 * command run in a container of the stage so far by {@link RunStep}, its changes the step's layer.
 */
final class RunInstruction {
    private final BuildRun build;
    private final Instruction instruction;

    RunInstruction(BuildRun build, Instruction instruction) {
        this.build = build;
        this.instruction = instruction;
    }

    void execute(BuildRun.StageRun run) throws IOException {
        List<String> argv = command(run.state);
        Map<String, String> args = new TreeMap<>();
        run.args.forEach((k, v) -> {
            if (v != null && !BuildRun.PREDEFINED_ARGS.contains(k)) {
                args.put(k, v);
            }
        });
        List<Mount> mounts = new ArrayList<>();
        String network = null;
        for (Instruction.Flag flag : instruction.flags()) {
            switch (flag.name()) {
                case "mount" -> mounts.add(cacheMount(flag.value()));
                case "network" -> network = switch (flag.value()) {
                    case "default" -> null;
                    case "none", "host" -> flag.value();
                    default -> throw error("RUN --network takes default, none or host");
                };
                default -> throw error("RUN --" + flag.name() + " is not supported by this builder");
            }
        }
        // A RUN's key holds every build arg in scope: its command reads them from the environment, whatever its text says.
        String description = "RUN " + (args.isEmpty() ? "" : "|" + args.size() + " " + joined(args) + " ") + argv
                + (mounts.isEmpty() ? "" : " " + instruction.flagValues("mount"));
        // docker build --network is the default of the steps that name none; "default" is the engine's own default
        String networkMode = network != null ? network
                : build.spec().networkMode().equals("default") ? null : build.spec().networkMode();
        build.step(run, description, null, state -> {
            List<String> env = new ArrayList<>(state.env());
            Set<String> inEnv = new HashSet<>();
            env.forEach(e -> inEnv.add(e.substring(0, Math.max(0, e.indexOf('=')))));
            args.forEach((k, v) -> {
                if (!inEnv.contains(k)) {
                    env.add(k + "=" + v);
                }
            });
            LayerWriter layer = build.newLayer();
            boolean ok = false;
            try {
                build.builder().runs.run(new RunStep.Command(run.reference.toString(), argv, env, state.text("WorkingDir"),
                        state.text("User"), networkMode, build.spec().extraHosts(), mounts), "RUN " + instruction.args(),
                        build.progress(), layer);
                ok = true;
                return layer;
            } finally {
                if (!ok) {
                    layer.close();
                }
            }
        }, "RUN " + withArgs(argv, args, run.state.env()));
    }

    /**
     * The command as the image's history records it: behind {@code |N K=V...}, the build args its environment had
     * from the build rather than from an {@code ENV} (dockerd's {@code |1 GREETING=hey /bin/sh -c echo $GREETING}).
     */
    private static String withArgs(List<String> argv, Map<String, String> args, List<String> env) {
        Map<String, String> fromBuild = new TreeMap<>(args);
        env.forEach(e -> fromBuild.remove(e.substring(0, Math.max(0, e.indexOf('=')))));
        String command = String.join(" ", argv);
        return fromBuild.isEmpty() ? command : "|" + fromBuild.size() + " " + joined(fromBuild) + " " + command;
    }

    private List<String> command(ImageState state) {
        if (instruction.heredocs().isEmpty()) {
            return ConfigSteps.command(state, instruction);
        }
        List<String> argv = new ArrayList<>(ConfigSteps.shell(state));
        Instruction.Heredoc first = instruction.heredocs().get(0);
        if (instruction.heredocs().size() == 1 && instruction.args().strip().matches("<<-?\\s*[\"']?" + Pattern.quote(first.name()) + "[\"']?")) {
            argv.add(first.content()); // RUN <<EOF: the document is the script
        } else {
            // the shell reads the documents itself: give it the command with its documents, as written
            StringBuilder script = new StringBuilder(instruction.args()).append('\n');
            instruction.heredocs().forEach(d -> script.append(d.content()).append(d.name()).append('\n'));
            argv.add(script.toString());
        }
        return argv;
    }

    private Mount cacheMount(String value) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            options.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "true" : part.substring(eq + 1));
        }
        String type = options.getOrDefault("type", "bind");
        String target = options.getOrDefault("target", options.getOrDefault("dst", options.get("destination")));
        if (!type.equals("cache") || target == null) {
            throw error("RUN --mount supports type=cache,target=PATH[,id=ID] only (got " + value + ")");
        }
        String id = options.getOrDefault("id", target);
        Path dir = build.builder().stateDirectory.resolve("build-mounts").resolve(HexFormat.of().formatHex(
                Digest.sha256().digest(id.getBytes(StandardCharsets.UTF_8))));
        Files.createDirectories(dir);
        return Mount.bind(dir.toString(), target, false);
    }

    private DockerfileException error(String message) {
        return new DockerfileException(build.file(), instruction.line(), instruction.original(), message);
    }

    private static String joined(Map<String, String> args) {
        StringBuilder text = new StringBuilder();
        args.forEach((k, v) -> text.append(text.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return text.toString();
    }
}
