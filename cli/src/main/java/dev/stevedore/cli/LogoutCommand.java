package dev.stevedore.cli;

import dev.stevedore.engine.DockerLogins;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stevedore logout}: removes the login for a registry from Docker's {@code config.json} (and its credential
 * helper), as {@code docker logout} does. Needs no engine, as docker's needs no daemon.
 */
@Command(name = "logout", description = "Log out from a registry (Docker Hub when SERVER is omitted).")
final class LogoutCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SERVER", arity = "0..1", description = "Registry, e.g. 127.0.0.1:5001 (default: Docker Hub)")
    String server;

    @Override
    public Integer call() {
        StevedoreCommand root = (StevedoreCommand) spec.root().userObject();
        DockerLogins logins = DockerLogins.of(root.settings().dockerConfigDirectory());
        String key = logins.key(server == null ? "" : server);
        spec.commandLine().getOut().println("Removing login credentials for " + key);
        spec.commandLine().getOut().flush();
        logins.erase(key);
        return 0;
    }
}
