package dev.stevedore.engine.internal.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts a short-lived JVM like this one on another main class: the same {@code java}, class path,
 * class-data archive and JNA settings, tuned to start quickly and stay small. The engine starts such JVMs where its
 * work must run in another process: a kept container's restart with no JVM left ({@link KeptRestartMain}), a
 * rootless engine's file work inside the user's namespace ({@link NamespacedFilesMain}).
 */
final class ThisJvm {
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Xshare:auto", "-Xmx256m");

    private ThisJvm() {
    }

    /** {@code java [options] -cp CLASSPATH MAIN ARGUMENTS…}, every path absolute (the caller may run it from /). */
    static List<String> command(Class<?> main, List<String> options, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(classDataArchive());
        // the CLI's JNA settings (NativeBoot) spare the other JVM JNA's extraction too
        for (String name : List.of("jna.boot.library.path", "jna.platform.library.path")) {
            if (System.getProperty(name) != null) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.addAll(options);
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), main.getName()));
        command.addAll(arguments);
        return command;
    }

    /**
     * The class-data archive this JVM maps (the CLI's launcher gives one for its jar): the other JVM runs from the same
     * class path, so it maps it too. Read from {@code /proc/self/cmdline}, which costs less than the JDK's management beans.
     */
    private static List<String> classDataArchive() {
        try {
            for (String argument : new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8)
                    .split("\0")) {
                if (argument.startsWith("-XX:SharedArchiveFile=")) {
                    return List.of(argument);
                }
            }
        } catch (IOException e) {
            // none then
        }
        return List.of();
    }
}
