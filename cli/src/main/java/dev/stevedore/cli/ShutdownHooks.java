package dev.stevedore.cli;

/**
 * Work that must happen when the user interrupts a command (Ctrl-C, or SIGTERM to the JVM) — such as
 * stopping the container an attached {@code run} started. The command registers it for the time it runs
 * and cancels the registration when it ends normally.
 */
interface ShutdownHooks {
    /** The JVM's shutdown hooks. */
    ShutdownHooks RUNTIME = (name, action) -> {
        Thread hook = new Thread(action, name);
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs now; let it finish with the engine still open, the JVM exits when it is done.
                try {
                    hook.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    };

    /** Runs {@code action} (once) if the JVM is asked to exit before the registration is cancelled. */
    Registration register(String name, Runnable action);

    /** A registered action. */
    interface Registration {
        /**
         * Unregisters the action; if it is already running, waits until it is done. Called from the thread
         * that registered it before that thread releases what the action uses.
         */
        void cancel();
    }
}
