package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.PortBinding;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compose port SERVICE PRIVATE_PORT}: where the service's container port is published, {@code HOST_IP:PORT}
 * as docker compose prints it. A port that is not published is an error (exit 1), as docker compose v2 has it;
 * docker-compose 1.x printed an empty line and exited 0, which a script cannot tell from an address.
 */
@Command(name = "port", description = "Print the host address a service's port is published on.")
final class ComposePortCommand extends ComposeSubcommand {
    @Mixin
    HelpOption help;

    @Option(names = "--protocol", paramLabel = "PROTO", description = "tcp or udp (default tcp).")
    String protocol = "tcp";

    @Option(names = "--index", paramLabel = "N", description = "The container's number, for docker compose's scripts: "
            + "a service has one container (default 1).")
    int index = 1;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
    String service;

    @Parameters(index = "1", paramLabel = "PRIVATE_PORT", description = "The port in the container.")
    int port;

    @Override
    void validate() {
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw usageError("--protocol: '" + protocol + "' is neither tcp nor udp");
        }
        if (index != 1) {
            throw usageError("--index: service \"" + service + "\" has one container, number 1, not " + index);
        }
        if (port < 1 || port > 65535) {
            throw usageError("'" + port + "' is not a port number (1-65535)");
        }
        checkServices(java.util.List.of(service));
    }

    @Override
    int run(ContainerEngine engine) {
        ContainerInfo container = running(projects(engine), service);
        Optional<PortBinding> published = Containers.sorted(container.ports()).stream()
                .filter(binding -> binding.hostPort() != 0 && binding.containerPort() == port && binding.protocol().equals(protocol))
                .findFirst();
        if (published.isEmpty()) {
            throw new ContainerEngineException("no port " + port + "/" + protocol + " for container " + container.name()
                    + " — publish it with ports: in the service \"" + service + "\"");
        }
        out().println(Containers.hostAddress(published.get()));
        return 0;
    }
}
