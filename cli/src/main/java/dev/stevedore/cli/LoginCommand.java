package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.DockerLogins;
import dev.stevedore.engine.RegistryLoginResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore login}: checks a user name and password with the registry through the engine (as dockerd's
 * {@code POST /auth}), then stores them in Docker's {@code config.json} or its credential helper, as {@code docker login}
 * does, with docker's messages. Pulls and pushes then use them with no other setup.
 */
@Command(name = "login", description = "Authenticate to a registry (Docker Hub when SERVER is omitted).")
final class LoginCommand extends EngineCommand {
    static final String UNENCRYPTED_WARNING = "WARNING! Your credentials are stored unencrypted in '%s'.%n"
            + "Configure a credential helper to remove this warning. See%n"
            + "https://docs.docker.com/go/credential-store/%n";

    @Mixin
    HelpOption help;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "Username")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASS", description = "Password")
    String password;

    @Option(names = "--password-stdin", description = "Take the password from stdin")
    boolean passwordStdin;

    @Parameters(paramLabel = "SERVER", arity = "0..1", description = "Registry, e.g. 127.0.0.1:5001 (default: Docker Hub)")
    String server;

    @Override
    void validate() {
        if (password != null && passwordStdin) {
            throw usageError("--password and --password-stdin are mutually exclusive");
        }
        if (passwordStdin && (username == null || username.isEmpty())) {
            throw usageError("Must provide --username with --password-stdin");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        PrintWriter err = err();
        DockerLogins logins = DockerLogins.of(root().settings().dockerConfigDirectory());
        String serverAddress = logins.key(server == null ? "" : server);
        BufferedReader in = new BufferedReader(new InputStreamReader(root().stdin(), StandardCharsets.UTF_8));
        if (password != null) {
            err.println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
            err.flush();
        }
        String user = username;
        if (user == null || user.isEmpty()) {
            user = prompt(in, "Username: ", false);
        }
        String secret = password;
        if (passwordStdin) {
            secret = readAll(in);
        } else if (secret == null) {
            secret = prompt(in, "Password: ", true);
        }
        if (user.isEmpty()) {
            throw new ContainerEngineException("Error: Non-null Username Required");
        }
        if (secret.isEmpty()) {
            throw new ContainerEngineException("Error: Password Required");
        }
        RegistryLoginResult result = engine.login(serverAddress, user, secret);
        String helper = logins.store(serverAddress, user, secret, result.identityToken());
        if (helper == null) {
            err.println();
            err.printf(UNENCRYPTED_WARNING, logins.configFile());
            err.println();
            err.flush();
        }
        out().println(result.status());
        return 0;
    }

    /** The password from stdin to its end, without the line ending docker also strips. */
    private static String readAll(BufferedReader in) {
        try {
            StringBuilder text = new StringBuilder();
            char[] buffer = new char[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                text.append(buffer, 0, n);
            }
            String s = text.toString();
            while (s.endsWith("\n") || s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            return s;
        } catch (IOException e) {
            throw new ContainerEngineException("Reading the password from stdin failed: " + e.getMessage(), e);
        }
    }

    private String prompt(BufferedReader in, String question, boolean secret) {
        java.io.Console console = System.console();
        if (console != null) {
            String answer = secret ? new String(console.readPassword(question)) : console.readLine(question);
            return answer == null ? "" : answer.trim();
        }
        out().print(question);
        out().flush();
        try {
            String line = in.readLine();
            return line == null ? "" : line.trim();
        } catch (IOException e) {
            throw new ContainerEngineException("Reading the " + (secret ? "password" : "user name") + " failed: " + e.getMessage(), e);
        }
    }
}
