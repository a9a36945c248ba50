package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.serve.DockerApiServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stevedore serve}: the engine behind a Docker Engine API endpoint, until the process is told to stop
 * (Ctrl-C, SIGTERM); then the socket is removed and the engine closed, which ends its containers.
 */
@Command(name = "serve",
        description = "Serve the Docker Engine API over Stevedore's engine, so docker, docker-java and Testcontainers"
            + " can use it: export DOCKER_HOST=unix://SOCKET. Runs until interrupted.")
final class ServeCommand implements Callable<Integer> {
    /** {@code /run/stevedore/docker.sock} as root; an ordinary user's runtime directory otherwise (rootless). */
    static final Path DEFAULT_SOCKET = DockerApiServer.defaultSocket();

    @Mixin
    HelpOption help;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Unix socket to listen on (default: ${DEFAULT-VALUE}); created with mode 0660."
                + " As root /run/stevedore/docker.sock; as an ordinary user (rootless: no root, no Docker)"
                + " $XDG_RUNTIME_DIR/stevedore/docker.sock, else /tmp/stevedore-UID/docker.sock.")
    Path socket = DEFAULT_SOCKET;

    @Option(names = "--tcp", paramLabel = "HOST:PORT",
            description = "Also listen on TCP, with TLS and client certificates (needs --tls-dir).")
    String tcp;

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "For --tcp: ca.pem (CA of client certificates), cert.pem and key.pem (PKCS#8) of the server.")
    Path tlsDirectory;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Group that owns the socket, whose members may use it (default: docker when that group exists).")
    String group;

    @Option(names = "--publish-ip", paramLabel = "IP",
            description = "Address a published port binds to when the client names none (docker run -p 8080:80):"
                + " 127.0.0.1 unless set; 0.0.0.0 for every interface, as Docker does.")
    String publishIp;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DockerApiServer.Options options = options();
        StevedoreCommand root = (StevedoreCommand) spec.root().userObject();
        ContainerEngine engine = root.openEngine();
        DockerApiServer server;
        try {
            if ("docker".equals(engine.info().name())) {
                // the server keeps what a client sent with the container (annotations), which only the embedded
                // engine holds for any client; and a Docker daemon is an Engine API endpoint already
                throw new dev.stevedore.engine.ContainerEngineException("stevedore serve puts the embedded engine behind"
                        + " the Docker Engine API, and the engine chosen is " + engine.info().name() + " ("
                        + engine.info().location() + ", " + engine.info().selectedBecause() + "): point Docker clients at"
                        + " that endpoint itself, or serve the embedded engine (--engine embedded, or unset"
                        + " STEVEDORE_ENGINE/DOCKER_HOST)");
            }
            server = DockerApiServer.start(engine, options);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    server.close();
                } finally {
                    engine.close();
                }
            }
            stopped.countDown();
        };
        ShutdownHooks.Registration registration = root.shutdownHooks().register("stevedore-serve", stop);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Serving the Docker Engine API on " + server.dockerHost()
                + server.tcpAddress().map(a -> " and tcp://" + a.getHostString() + ":" + a.getPort() + " (TLS)").orElse("")
                + "; stop with Ctrl-C. For Docker clients:");
        out.println("export DOCKER_HOST=" + server.dockerHost());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            registration.cancel();
            stop.run();
        }
        return 0;
    }

    /** {@code --group}, else docker's group as dockerd takes it when there is one. */
    private String socketGroup() {
        if (group != null) {
            return group;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return null; // rootless: the socket is the user's own, in the user's private runtime directory
        }
        try {
            return java.nio.file.Files.readAllLines(Path.of("/etc/group")).stream().anyMatch(l -> l.startsWith("docker:")) ? "docker" : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private DockerApiServer.Options options() {
        if (tcp == null) {
            if (tlsDirectory != null) {
                throw new ParameterException(spec.commandLine(), "--tls-dir is for --tcp; the unix socket needs no TLS");
            }
            return DockerApiServer.Options.unixSocket(socket.toAbsolutePath()).withPublishIp(publishIp).withSocketGroup(socketGroup());
        }
        if (tlsDirectory == null) {
            throw new ParameterException(spec.commandLine(), "--tcp needs --tls-dir: the Docker API gives root on this"
                    + " machine to whoever reaches it, so it is served on TCP only with TLS and client certificates");
        }
        int colon = tcp.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), "--tcp \"" + tcp + "\" is not HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(tcp.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--tcp \"" + tcp + "\": the port is not a number");
        }
        String host = tcp.substring(0, colon).replace("[", "").replace("]", "");
        return DockerApiServer.Options.unixSocket(socket.toAbsolutePath())
                .withTcp(new InetSocketAddress(host, port), tlsDirectory.toAbsolutePath()).withPublishIp(publishIp)
                .withSocketGroup(socketGroup());
    }
}
