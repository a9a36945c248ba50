package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The quick reading of the everyday commands against picocli's: every option of the tables is one of the command's
 * own, and whatever the quick reading accepts, it sets field for field as picocli does; whatever it leaves to picocli
 * (help, errors) picocli reads as before; and a command it read runs with the same output and exit code.
 */
class QuickCommandLineTest {
    private static final List<String> WORDS = List.of("run", "ps", "images", "exec", "logs", "stop", "rm", "start",
            "inspect", "version");

    @Test
    void everyRowOfTheTablesIsAnOptionOfTheCommandWithItsNamesAndArity() {
        for (String word : WORDS) {
            CommandSpec model = model(word);
            for (String row : QuickForms.of(word).options()) {
                String[] words = row.split(" ");
                OptionSpec option = model.findOption(words[1]);
                assertThat(option).as(word + ": " + row).isNotNull();
                assertThat(option.names()).as(word + ": " + row)
                        .containsExactlyInAnyOrder(Arrays.copyOfRange(words, 1, words.length));
                switch (words[0]) {
                    case "F" -> assertThat(option.arity().max()).as(word + ": " + row + " is a flag").isZero();
                    case "V" -> assertThat(option.isMultiValue() || option.arity().max() != 1)
                            .as(word + ": " + row + " takes one value").isFalse();
                    case "M" -> assertThat(option.isMultiValue()).as(word + ": " + row + " repeats").isTrue();
                    default -> fail("kind " + words[0]);
                }
            }
        }
    }

    @Test
    void everyNameOfEveryOptionSetsTheFieldsPicocliSets() {
        int compared = 0;
        for (String word : WORDS) {
            CommandSpec model = model(word);
            List<String> positionals = positionals(word);
            for (String row : QuickForms.of(word).options()) {
                String[] words = row.split(" ");
                OptionSpec option = model.findOption(words[1]);
                String value = sample(option.isMultiValue() ? option.auxiliaryTypes()[0] : option.type());
                for (int i = 1; i < words.length; i++) {
                    String name = words[i];
                    List<List<String>> forms = new ArrayList<>();
                    if (words[0].equals("F")) {
                        forms.add(List.of(name));
                    } else {
                        forms.add(List.of(name, value));
                        forms.add(List.of(name.startsWith("--") ? name + "=" + value : name + value));
                        if (words[0].equals("M")) {
                            forms.add(List.of(name, value, name, value + "2"));
                        }
                    }
                    for (List<String> form : forms) {
                        List<String> args = new ArrayList<>(List.of(word));
                        args.addAll(form);
                        args.addAll(positionals);
                        assertSameAsPicocli(args.toArray(String[]::new), true);
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(150);
    }

    @Test
    void theEverydayCommandLinesAreReadQuicklyAndAsPicocliReadsThem() {
        for (String[] args : new String[][] {
            {"run", "--rm", "busybox", "true"},
            {"run", "-dit", "--name", "web", "-p", "8080:80", "-p127.0.0.1::5432", "-e", "A=1", "-eB", "--env=C=3",
                "busybox", "sh", "-c", "echo -n hi --rm"},
            {"run", "-it", "--rm", "-v", "/tmp:/data:ro", "-w", "/data", "busybox", "ls", "-l", "-"},
            {"run", "-d", "--restart", "on-failure:2", "--health-cmd", "true", "--cpus", "1.5", "--pids-limit", "7",
                "--env-file", "x.env", "busybox"},
            {"ps"}, {"ps", "-aq"}, {"ps", "-a", "--format", "{{.ID}}", "-n3", "--filter", "status=exited"},
            {"images"}, {"images", "-q", "busybox"}, {"images", "--format", "json"},
            {"exec", "-it", "c1", "sh", "-c", "ls -l"}, {"exec", "-u", "1000", "-e", "A=1", "c1", "env", "-0"},
            {"logs", "-f", "c1"}, {"logs", "c1", "-n", "5", "-t"},
            {"stop", "-t", "3", "a", "b"}, {"rm", "-f", "a"}, {"rm", "a", "-f"}, {"start", "a", "b", "c"},
            {"inspect", "-f", "{{.State.Status}}", "a"}, {"inspect", "a", "b"}, {"version"},
        }) {
            assertSameAsPicocli(args, true);
        }
    }

    @Test
    void whatItDoesNotCoverIsLeftToPicocli() {
        for (String[] args : new String[][] {
            {"run", "--help"}, {"ps", "-h"}, {"run"}, {"run", "--nope", "busybox"}, {"run", "--name", "a", "--name", "b", "busybox"},
            {"run", "-d", "-d", "busybox"}, {"run", "--cpus", "many", "busybox"}, {"run", "-e=A", "busybox"},
            {"run", "--rm=true", "busybox"}, {"run", "--entrypoint", "", "busybox"}, {"run", "--name", "--rm", "busybox"},
            {"run", "--detach-keys", "ctrl-a", "busybox"}, {"run", "@args", "busybox"}, {"run", "--", "busybox"},
            {"run", "busybox", "echo", "--"}, {"run", "--pids-limit", "-1", "busybox"}, {"run", "--name"},
            {"ps", "extra"}, {"ps", "-n"}, {"ps", "-x"}, {"images", "a", "b"}, {"logs"}, {"logs", "a", "b"},
            {"exec", "c1"}, {"stop"}, {"stop", "-t", "x", "a"}, {"rm", "-"}, {"inspect"}, {"version", "x"},
            {"kill", "a"}, {"--debug", "ps"},
        }) {
            assertThat(QuickCommandLine.parse(args)).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void aCommandItReadRunsWithPicoclisOutputErrorsAndExitCodes() {
        for (String[] args : new String[][] {
            {"run", "-d", "--name", "web", "busybox"}, {"run", "-i", "-d", "busybox"}, {"run", "--pull", "sometimes", "busybox"},
            {"ps", "-a"}, {"ps", "--format", "{{.Nope"}, {"images"}, {"logs", "missing"}, {"rm", "missing", "other"},
            {"stop", "-t", "1", "missing"}, {"inspect", "missing"}, {"start", "missing"},
        }) {
            assertThat(QuickCommandLine.parse(args)).as(String.join(" ", args)).isNotNull();
            CliRunner.Result picocli = new CliRunner(withBusybox()).run(args);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            InMemoryEngine engine = withBusybox();
            CommandLine quick = QuickCommandLine.commandLine(QuickCommandLine.parse(args), args[0],
                    (settings, overrides) -> engine, Terminal.plain(), Clock.fixed(CliRunner.NOW, ZoneOffset.UTC));
            quick.setOut(new PrintWriter(out, true));
            quick.setErr(new PrintWriter(err, true));
            int exitCode = QuickCommandLine.execute(quick, args);

            assertThat(exitCode).as(String.join(" ", args)).isEqualTo(picocli.exitCode());
            assertThat(out.toString()).as(String.join(" ", args)).isEqualTo(picocli.out());
            assertThat(err.toString()).as(String.join(" ", args)).isEqualTo(picocli.err());
        }
    }

    private static InMemoryEngine withBusybox() {
        return new InMemoryEngine().store("busybox", InMemoryEngine.image("busybox", CliRunner.NOW, 1000));
    }

    /** Picocli's reading of {@code args} and the quick one set the same fields, or the quick one declines. */
    private static void assertSameAsPicocli(String[] args, boolean mustBeQuick) {
        String line = String.join(" ", args);
        Object quick = QuickCommandLine.parse(args);
        if (mustBeQuick) {
            assertThat(quick).as(line + ": read quickly").isNotNull();
        }
        CommandLine commandLine = Main.commandLine((settings, overrides) -> null, Terminal.plain(), Clock.systemUTC(), args[0]);
        Object picocli = commandLine.parseArgs(args).subcommand().commandSpec().userObject();
        assertSameFields(line, quick.getClass().getSimpleName(), quick, picocli);
    }

    private static void assertSameFields(String line, String path, Object quick, Object picocli) {
        assertThat(quick.getClass()).as(line + ": " + path).isEqualTo(picocli.getClass());
        for (Class<?> type = quick.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic() || field.getType() == CommandSpec.class) {
                    continue;
                }
                field.setAccessible(true);
                Object a;
                Object b;
                try {
                    a = field.get(quick);
                    b = field.get(picocli);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                String where = path + "." + field.getName();
                if (a != null && b != null && a.getClass().getPackageName().equals(QuickCommandLine.class.getPackageName())
                        && !a.getClass().isEnum()) {
                    assertSameFields(line, where, a, b); // a mixin (or the detach keys): field by field
                } else {
                    assertThat(Objects.deepEquals(a, b)).as(line + ": " + where + " quick " + a + ", picocli " + b).isTrue();
                }
            }
        }
    }

    private static CommandSpec model(String word) {
        return Main.commandLine((settings, overrides) -> null, Terminal.plain(), Clock.systemUTC(), word)
                .getSubcommands().get(word).getCommandSpec();
    }

    /** Positional arguments the command needs, or none. */
    private static List<String> positionals(String word) {
        return switch (word) {
            case "run" -> List.of("busybox", "sh", "-c", "true");
            case "exec" -> List.of("c1", "ls", "-l");
            case "logs", "stop", "rm", "start", "inspect" -> List.of("c1");
            default -> List.of();
        };
    }

    private static String sample(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "7";
        }
        if (type == Double.class || type == double.class) {
            return "1.5";
        }
        return type == Path.class ? "/some/file" : "key=value";
    }
}
