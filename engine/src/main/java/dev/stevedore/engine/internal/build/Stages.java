package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Dockerfile split into its global {@code ARG}s and its stages, and the plan: which stages the target needs
 * (itself, the stages it is built {@code FROM}, and those it copies {@code --from}, transitively), in file order.
 */
final class Stages {
    /** One stage: its FROM and the instructions after it. */
    record Stage(int index, String name, Instruction from, List<Instruction> instructions) {
    }

    final List<Instruction> globalArgs;
    final List<Stage> all;
    final Map<String, String> globals;

    final String file;

    private Stages(String file, List<Instruction> globalArgs, List<Stage> all, Map<String, String> globals) {
        this.file = file;
        this.globalArgs = globalArgs;
        this.all = all;
        this.globals = globals;
    }

    /** The shell words of {@code text}; a substitution that fails is reported at the instruction's line. */
    private static List<String> words(String file, char escape, Map<String, String> globals, Instruction instruction, String text) {
        try {
            return new ShellLex(escape, globals).words(text);
        } catch (IllegalArgumentException e) {
            throw new DockerfileException(file, instruction.line(), instruction.original(), e.getMessage());
        }
    }

    static Stages of(Dockerfile dockerfile, Map<String, String> buildArgs) {
        List<Instruction> globalArgs = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        Map<String, String> globals = new LinkedHashMap<>();
        Instruction from = null;
        List<Instruction> body = new ArrayList<>();
        for (Instruction instruction : dockerfile.instructions()) {
            if (instruction.keyword().equals("FROM")) {
                if (from != null) {
                    stages.add(stage(stages.size(), from, body, globals, dockerfile));
                    body = new ArrayList<>();
                }
                from = instruction;
            } else if (from == null) {
                if (!instruction.keyword().equals("ARG")) {
                    throw new DockerfileException(dockerfile.file(), instruction.line(), instruction.original(),
                            "no build stage in current context: only ARG may come before the first FROM");
                }
                globalArgs.add(instruction);
                for (String word : words(dockerfile.file(), dockerfile.escape(), globals, instruction, instruction.args())) {
                    int eq = word.indexOf('=');
                    String name = eq < 0 ? word : word.substring(0, eq);
                    String value = buildArgs.containsKey(name) ? buildArgs.get(name) : eq < 0 ? null : word.substring(eq + 1);
                    globals.put(name, value);
                }
            } else {
                body.add(instruction);
            }
        }
        if (from == null) {
            throw new DockerfileException(dockerfile.file(), dockerfile.instructions().get(0).line(), null,
                    "the Dockerfile has no FROM instruction");
        }
        stages.add(stage(stages.size(), from, body, globals, dockerfile));
        return new Stages(dockerfile.file(), globalArgs, stages, globals);
    }

    private static Stage stage(int index, Instruction from, List<Instruction> body, Map<String, String> globals, Dockerfile file) {
        List<String> words = words(file.file(), file.escape(), globals, from, from.args());
        String name = null;
        if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
            name = words.get(2).toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z][a-z0-9-_.]*")) {
                throw new DockerfileException(file.file(), from.line(), from.original(), "invalid name for build stage: " + words.get(2));
            }
        } else if (words.size() != 1) {
            throw new DockerfileException(file.file(), from.line(), from.original(), "FROM takes an image and optionally AS name");
        }
        return new Stage(index, name, from, List.copyOf(body));
    }

    /** The image or stage a stage's FROM names, its global args substituted. */
    String base(Stage stage, char escape) {
        return words(file, escape, globals, stage.from(), stage.from().args()).get(0);
    }

    /** The stage {@code name} names (its name or index), or {@code -1}. */
    int find(String name, int before) {
        for (Stage stage : all) {
            if (stage.index() >= before) {
                break;
            }
            if (name.equalsIgnoreCase(stage.name()) || name.equals(String.valueOf(stage.index()))) {
                return stage.index();
            }
        }
        return -1;
    }

    /** The target's index: its name's stage, else the last. */
    int target(String target) {
        if (target == null || target.isEmpty()) {
            return all.size() - 1;
        }
        int index = find(target, all.size());
        if (index < 0) {
            throw new BuildException("target stage \"" + target + "\" could not be found in the Dockerfile; its stages are "
                    + all.stream().map(s -> s.name() == null ? String.valueOf(s.index()) : s.name()).toList(), null, -1, List.of());
        }
        return index;
    }

    /** The stages {@code target} needs, itself included, in file order. */
    Set<Integer> needed(int target, char escape) {
        Set<Integer> needed = new TreeSet<>();
        collect(target, needed, escape);
        return needed;
    }

    private void collect(int index, Set<Integer> needed, char escape) {
        if (!needed.add(index)) {
            return;
        }
        Stage stage = all.get(index);
        int base = find(base(stage, escape), index);
        if (base >= 0) {
            collect(base, needed, escape);
        }
        for (Instruction instruction : stage.instructions()) {
            if (instruction.keyword().equals("COPY")) {
                String from = instruction.flagMap().get("from");
                if (from != null) {
                    List<String> named = words(file, escape, globals, instruction, from);
                    int source = named.size() == 1 ? find(named.get(0), index) : -1;
                    if (source >= 0) {
                        collect(source, needed, escape);
                    }
                }
            }
        }
    }
}
