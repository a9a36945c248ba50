package dev.stevedore.cli;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The everyday commands' command lines read without picocli's model. Building that model reads every option's
 * annotations reflectively and runs picocli's set-up cold: 120–200 ms of {@code run}'s main thread on a quiet machine,
 * over 600 ms at load 12, for a command line that is most often {@code run --rm IMAGE CMD} or {@code ps}.
 *
 * <p>This reads only the plain forms: options of {@link QuickForms}' tables (flags, single and repeated values, as
 * {@code --name=x}, {@code --name x}, {@code -dit}, {@code -p8080:80}) and the command's positional arguments. Anything
 * else — help, an unknown or repeated option, a value that starts with {@code -} or is empty, {@code --}, an
 * {@code @file}, a missing or extra argument, a number that is not one — makes {@link #parse} answer null, and the
 * caller hands the command line to picocli as before, so every help screen, error message and exit code is picocli's
 * own. What it does read, it sets on the same command object picocli would fill, field for field
 * (QuickCommandLineTest compares the two for every option of the tables), and the command runs as under picocli: a
 * {@link ParameterException} from its checks is a usage error, any other exception a failure.
 */
final class QuickCommandLine {
    private QuickCommandLine() {
    }

    /** The command {@code args} call for, filled in; null when they are not of the plain forms this reads. */
    static Object parse(String[] args) {
        QuickForms.Form form = args.length == 0 ? null : QuickForms.of(args[0]);
        if (form == null) {
            return null;
        }
        for (String arg : args) {
            if (arg.startsWith("@") || arg.equals("--")) {
                return null; // picocli expands @files, and -- ends the options: both left to it
            }
        }
        Map<String, String> kinds = new HashMap<>();
        for (String row : form.options()) {
            String[] words = row.split(" ");
            for (int i = 1; i < words.length; i++) {
                // the kind, then the canonical name (the last one), which the form's setter knows it by
                kinds.put(words[i], words[0] + words[words.length - 1]);
            }
        }
        Object command = form.command();
        Set<String> once = new HashSet<>();
        int positionals = 0;
        boolean onlyPositionals = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (onlyPositionals || !arg.startsWith("-") || arg.equals("-")) {
                if (arg.equals("-") && !onlyPositionals || positionals == form.maxPositionals()) {
                    return null;
                }
                form.positional(command, positionals++, arg);
                onlyPositionals = form.stopsAtPositional();
            } else if (arg.startsWith("--")) {
                int equals = arg.indexOf('=');
                String kind = kinds.get(equals < 0 ? arg : arg.substring(0, equals));
                if (kind == null || kind.charAt(0) == 'F' && equals >= 0) {
                    return null;
                }
                String value = kind.charAt(0) == 'F' ? null
                        : equals >= 0 ? arg.substring(equals + 1) : i + 1 < args.length ? args[++i] : null;
                if (!set(form, command, kind, value, once)) {
                    return null;
                }
            } else {
                // a cluster of short options: flags, then perhaps one that takes the rest (or the next argument)
                for (int k = 1; k < arg.length(); k++) {
                    String kind = kinds.get("-" + arg.charAt(k));
                    if (kind == null) {
                        return null;
                    }
                    String value = null;
                    if (kind.charAt(0) != 'F') {
                        value = k + 1 < arg.length() ? arg.substring(k + 1) : i + 1 < args.length ? args[++i] : null;
                        if (value != null && k + 1 < arg.length() && value.startsWith("=")) {
                            return null; // -e=X: picocli's separator rules, left to it
                        }
                        k = arg.length();
                    }
                    if (!set(form, command, kind, value, once)) {
                        return null;
                    }
                }
            }
        }
        return positionals >= form.minPositionals() ? command : null;
    }

    /** Sets one option; false when picocli's reading could differ (or fail) and it should read the line instead. */
    private static boolean set(QuickForms.Form form, Object command, String kind, String value, Set<String> once) {
        boolean flag = kind.charAt(0) == 'F';
        if (!flag && (value == null || value.isEmpty() || value.startsWith("-"))) {
            return false;
        }
        if (kind.charAt(0) != 'M' && !once.add(kind)) {
            return false; // picocli refuses a single option given twice
        }
        try {
            form.set(command, kind.substring(1), value);
            return true;
        } catch (NumberFormatException e) {
            return false; // picocli's conversion error, in its words
        }
    }

    /**
     * {@code command} (from {@link #parse}) under a root command, in command lines with no options (no model to build),
     * so that it reaches the root, its output writers and its usage errors as under picocli. Returns the root's.
     */
    static CommandLine commandLine(Object command, String word, EngineFactory engines, Terminal terminal, Clock clock) {
        StevedoreCommand root = new StevedoreCommand(engines, terminal, clock);
        CommandSpec rootSpec = CommandSpec.wrapWithoutInspection(root).name("stevedore");
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        CommandLine commandLine = new CommandLine(rootSpec);
        commandLine.addSubcommand(word, new CommandLine(spec));
        root.spec = rootSpec;
        if (command instanceof EngineCommand engineCommand) {
            engineCommand.spec = spec;
        } else {
            ((VersionCommand) command).spec = spec;
        }
        return commandLine;
    }

    /**
     * Runs the command of {@code commandLine} (from {@link #commandLine}) as picocli's execution would: a
     * {@link ParameterException} from its checks is a usage error, any other exception a failure. Returns the exit code.
     */
    static int execute(CommandLine commandLine, String[] args) {
        CommandLine subcommand = commandLine.getSubcommands().get(args[0]);
        Timing.mark("command line parsed (quick)");
        Main.logLevel((StevedoreCommand) commandLine.getCommand());
        try {
            Object result = ((Callable<?>) subcommand.getCommand()).call();
            return result instanceof Integer status ? status : CommandLine.ExitCode.OK;
        } catch (ParameterException e) {
            return Main.usageError(e, args);
        } catch (Exception e) {
            return Main.failure(e, subcommand);
        }
    }
}
