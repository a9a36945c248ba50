package dev.stevedore.serve.internal;

import java.util.List;

/**
 * An exec as Docker has it between {@code POST /containers/{id}/exec} and its inspect: what to run, whether
 * its streams are attached, and, once started, whether it runs and how it ended.
 */
final class ExecInstance {
    private final String id;
    private final String containerId;
    private final List<String> command;
    private final List<String> env;
    private final String user;
    private final String workingDir;
    private final boolean attachStdin;
    private final boolean attachStdout;
    private final boolean attachStderr;
    private final boolean privileged;
    private final dev.stevedore.engine.Tty tty;
    private boolean started;
    private boolean running;
    private Integer exitCode;

    ExecInstance(String id, String containerId, List<String> command, List<String> env, String user, String workingDir,
                 boolean attachStdin, boolean attachStdout, boolean attachStderr, boolean privileged,
                 dev.stevedore.engine.Tty tty) {
        this.tty = tty;
        this.id = id;
        this.containerId = containerId;
        this.command = List.copyOf(command);
        this.env = env == null ? List.of() : List.copyOf(env);
        this.user = user;
        this.workingDir = workingDir;
        this.attachStdin = attachStdin;
        this.attachStdout = attachStdout;
        this.attachStderr = attachStderr;
        this.privileged = privileged;
    }

    String id() {
        return id;
    }

    String containerId() {
        return containerId;
    }

    List<String> command() {
        return command;
    }

    List<String> env() {
        return env;
    }

    String user() {
        return user;
    }

    String workingDir() {
        return workingDir;
    }

    boolean attachStdin() {
        return attachStdin;
    }

    boolean attachStdout() {
        return attachStdout;
    }

    boolean attachStderr() {
        return attachStderr;
    }

    boolean privileged() {
        return privileged;
    }

    /** The exec's terminal ({@code Tty: true}), resized through {@code POST /exec/{id}/resize}; null without one. */
    dev.stevedore.engine.Tty tty() {
        return tty;
    }

    /** Marks it started; false when it was started before (Docker refuses a second start). */
    synchronized boolean start() {
        if (started) {
            return false;
        }
        started = true;
        running = true;
        return true;
    }

    /** Records how it ended; the exit code is there before its stream closes (Testcontainers reads it at once). */
    synchronized void ended(int code) {
        running = false;
        exitCode = code;
    }

    synchronized boolean running() {
        return running;
    }

    /** Its exit code, or {@code null} while it has not ended. */
    synchronized Integer exitCode() {
        return exitCode;
    }
}
