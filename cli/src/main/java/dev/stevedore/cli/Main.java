package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngineException;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code stevedore} command. Exit codes: 0 success, 1 the work failed (the message says why and what
 * to do), 2 the command line was wrong. {@code run} and {@code exec} exit as Docker's do: with the
 * container's (or command's) exit code, 125 when the engine failed, 126 when the command could not be
 * executed, 127 when it was not found.
 */
public final class Main {
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";
    static final String UNUSED_CONVERTERS = "java\\.(sql|time)\\..*";
    /** Read by the engine's network attachments (engine-internal, so named here rather than imported). */
    static final String KEEP_IDLE_BRIDGE = "stevedore.network.keepIdleBridge";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // the answer needs none of the command tree, whose reflective build is most of a bare start's time
            for (String line : new VersionProvider().getVersion()) {
                System.out.println(line);
            }
            System.exit(ExitCode.OK);
        }
        Timing.mark("JVM start up, main() entered");
        NativeBoot.prepare(System.getProperties(), System::getenv);
        // Every picocli CommandLine registers converters for java.sql and java.time types by Class.forName, which
        // initialises them (DateTimeFormatter's ISO formatters: ~60 classes, per command); no option is of such a
        // type (OptionTypesTest), so they are left out.
        System.getProperties().putIfAbsent(CONVERTER_EXCLUDES, UNUSED_CONVERTERS);
        String word = commandWord(args);
        if (!"compose".equals(word) && !"serve".equals(word)) {
            // one container started, then the JVM exits: a spare launcher for the next start would only be torn down
            System.getProperties().putIfAbsent("stevedore.launcher.spare", "false");
        }
        if (!"serve".equals(word)) {
            // the next command's container would need the default bridge again: deleting it at each exit and making it
            // at the next start were tens of ms each; the engine deletes it once idle for a while (or its state gone)
            System.getProperties().putIfAbsent(KEEP_IDLE_BRIDGE, "true");
        }
        if (args.length > 0 && !args[0].startsWith("-")) {
            // no global option, so no --debug: the early open's log lines (a left bridge it reaps, say) must find the
            // command's level already set, as slf4j-simple reads it once, when the first logger is made
            quietLogs();
        }
        EngineFactory engines = EarlyEngine.startFor(args, EngineFactory.DEFAULT);
        Timing.mark("native boot, early engine open started");
        Object quick = QuickCommandLine.parse(args);
        if (quick != null) {
            int status = QuickCommandLine.execute(
                    QuickCommandLine.commandLine(quick, args[0], engines, Terminal.detect(), Clock.systemUTC()), args);
            Timing.print(System.err);
            System.exit(status);
        }
        CommandLine commandLine = commandLine(engines, Terminal.detect(), Clock.systemUTC(), word);
        Timing.mark("command model built (picocli)");
        int status = commandLine.execute(args);
        Timing.print(System.err);
        System.exit(status);
    }

    /** The whole command tree, wired to {@code engines}; tests set its out and err writers. */
    static CommandLine commandLine(EngineFactory engines, Terminal terminal, Clock clock) {
        return commandLine(engines, terminal, clock, null);
    }

    /**
     * The command tree with only {@code command} under the root, or all of it when {@code command} is null: picocli
     * reads every command's annotations reflectively as it builds the tree, a good part of a short command's time.
     */
    static CommandLine commandLine(EngineFactory engines, Terminal terminal, Clock clock, String command) {
        CommandLine commandLine = new CommandLine(new StevedoreCommand(engines, terminal, clock));
        for (String name : StevedoreCommand.SUBCOMMANDS) {
            if (command == null || command.equals(name)) {
                commandLine.addSubcommand(name, StevedoreCommand.subcommand(name));
            }
        }
        commandLine.setExecutionStrategy(Main::execute);
        commandLine.setParameterExceptionHandler(Main::usageError);
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> failure(exception, failed));
        // Everything after the image (run) or the container (exec) is the command to run, options included; after the
        // container of top, the options of ps.
        for (String stopsAtPositional : new String[] {"run", "create", "exec", "top"}) {
            if (commandLine.getSubcommands().containsKey(stopsAtPositional)) {
                commandLine.getSubcommands().get(stopsAtPositional).setStopAtPositional(true);
            }
            if (commandLine.getSubcommands().containsKey("container")) {
                // the same under docker's management name (container run, container exec)
                commandLine.getSubcommands().get("container").getSubcommands().get(stopsAtPositional).setStopAtPositional(true);
            }
        }
        if (commandLine.getSubcommands().containsKey("compose")) {
            // and after the service (compose exec, compose run)
            commandLine.getSubcommands().get("compose").getSubcommands().get("exec").setStopAtPositional(true);
            commandLine.getSubcommands().get("compose").getSubcommands().get("run").setStopAtPositional(true);
        }
        layOut(commandLine);
        // help's colours: only on a terminal, and never with NO_COLOR
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(
                terminal.color() ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF));
        return commandLine;
    }

    /**
     * The subcommand {@code args} name past the global options, or null when they name none or one that does not
     * exist (then the whole tree is built, for the usage or the suggestions).
     */
    static String commandWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--home") || arg.equals("--engine") || arg.equals("-H") || arg.equals("--host")
                    || arg.equals("--progress")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return StevedoreCommand.SUBCOMMANDS.contains(arg) && !arg.equals("help") ? arg : null;
            }
        }
        return null;
    }

    private static void layOut(CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage()
                .synopsisHeading("Usage: ")
                .descriptionHeading("%n")
                .parameterListHeading("%nArguments:%n")
                .optionListHeading("%nOptions:%n")
                .commandListHeading("%nCommands:%n");
        commandLine.getSubcommands().values().forEach(Main::layOut);
    }

    private static int execute(ParseResult parseResult) {
        Timing.mark("command line parsed");
        logLevel((StevedoreCommand) parseResult.commandSpec().root().userObject());
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** Sets the engine's log level as {@code --debug} says, before anything has logged. */
    static void logLevel(StevedoreCommand root) {
        // slf4j-simple reads its level once, when the first logger is made; nothing has logged yet.
        if (root.debug()) {
            System.setProperty(LOG_LEVEL, "debug");
            return;
        }
        quietLogs();
    }

    private static void quietLogs() {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        // a warning reads as a message for the user ("WARN IPv4 forwarding is disabled..."), not as a log line with
        // the thread and class that wrote it; --debug keeps those (slf4j-simple 2.0 ignores warnLevelString, so the
        // word stays WARN where docker writes WARNING:)
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showLogName", "false");
    }

    static int usageError(ParameterException exception, String[] args) {
        CommandLine failed = exception.getCommandLine();
        PrintWriter err = failed.getErr();
        err.println("stevedore: " + exception.getMessage());
        UnmatchedArgumentException.printSuggestions(exception, err);
        err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCode.USAGE;
    }

    static int failure(Exception exception, CommandLine failed) {
        StevedoreCommand root = (StevedoreCommand) failed.getCommandSpec().root().userObject();
        PrintWriter err = failed.getErr();
        report(exception, root.debug(), err);
        return failed.getCommand() instanceof EngineCommand command ? command.failureExitCode() : ExitCode.SOFTWARE;
    }

    /** Prints a failure as {@code stevedore: message}; the stack trace only when debugging. */
    static void report(Exception exception, boolean debug, PrintWriter err) {
        if (exception instanceof ContainerEngineException || exception instanceof TemplateException) {
            err.println("stevedore: " + exception.getMessage());
        } else {
            err.println("stevedore: unexpected error: " + exception
                    + (debug ? "" : " (run with --debug for the stack trace, and please report it)"));
        }
        if (debug) {
            exception.printStackTrace(err);
        }
        err.flush();
    }
}
