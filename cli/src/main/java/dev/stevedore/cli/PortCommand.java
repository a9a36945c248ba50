package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.PortBinding;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code stevedore port}: where a container's ports are published on the host. */
@Command(name = "port", description = "List a container's published ports, or where one port is published.")
final class PortCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT[/PROTO]", description = "Only this container port, e.g. 5432 or 53/udp.")
    String port;

    @Override
    void validate() {
        if (port != null && !port.matches("\\d{1,5}(/(tcp|udp|sctp))?")) {
            throw usageError("'" + port + "' is not PORT[/PROTO], e.g. 5432 or 53/udp");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        List<PortBinding> published = Containers.sorted(engine.inspectContainer(container).ports()).stream()
                .filter(binding -> binding.hostPort() != 0).toList();
        if (port == null) {
            published.forEach(binding -> out().println(binding.key() + " -> " + Containers.hostAddress(binding)));
            return 0;
        }
        String key = port.contains("/") ? port : port + "/tcp";
        List<PortBinding> matching = published.stream().filter(binding -> binding.key().equals(key)).toList();
        if (matching.isEmpty()) {
            throw new ContainerEngineException("no public port '" + key + "' published for " + container
                    + " — publish it with 'stevedore run -p " + port + " ...'");
        }
        matching.forEach(binding -> out().println(Containers.hostAddress(binding)));
        return 0;
    }
}
