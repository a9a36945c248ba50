package dev.stevedore.dsl;

import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks a {@link ContainerConfig}'s options get when it is frozen into a {@link ContainerDefinition}: each
 * throws an {@link InvalidDefinitionException} with the container's path ({@code container "db"}) and what was wrong.
 */
final class DefinitionChecks {
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");

    private DefinitionChecks() {
    }

    static void image(String path, String image) {
        if (image == null || image.isBlank()) {
            throw new InvalidDefinitionException(path, "no image");
        }
        try {
            ImageReference.parse(image);
        } catch (InvalidImageReferenceException e) {
            throw new InvalidDefinitionException(path, e.getMessage(), e);
        }
    }

    /** Container ports in range and exposed once; host ports in range (0: any free one) and published once. */
    static void ports(String path, List<ContainerDefinition.Port> ports) {
        Set<Integer> containerPorts = new HashSet<>();
        Set<Integer> hostPorts = new HashSet<>();
        for (ContainerDefinition.Port port : ports) {
            if (port.containerPort() < 1 || port.containerPort() > 65535) {
                throw new InvalidDefinitionException(path, "port " + port.containerPort() + " is not between 1 and 65535");
            }
            if (!containerPorts.add(port.containerPort())) {
                throw new InvalidDefinitionException(path, "port " + port.containerPort() + " exposed twice");
            }
            if (port.hostPort() < 0 || port.hostPort() > 65535) {
                throw new InvalidDefinitionException(path, "host port " + port.hostPort() + " is not between 1 and 65535");
            }
            if (port.hostPort() != 0 && !hostPorts.add(port.hostPort())) {
                throw new InvalidDefinitionException(path, "host port " + port.hostPort() + " published twice");
            }
        }
    }

    static void envNames(String path, Set<String> variables) {
        for (String variable : variables) {
            if (variable == null || !ENV_NAME.matcher(variable).matches()) {
                throw new InvalidDefinitionException(path, "environment variable name \"" + variable + "\" is empty or holds '='");
            }
        }
    }

    /** Each network joined once (the same handle, whatever its name), under valid aliases. */
    static void networks(String path, List<ContainerDefinition.NetworkAttachment> networks) {
        Set<NetworkHandle> joined = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ContainerDefinition.NetworkAttachment attachment : networks) {
            if (!joined.add(attachment.network())) {
                throw new InvalidDefinitionException(path, "joins network \"" + attachment.network().name() + "\" twice");
            }
            for (String alias : attachment.aliases()) {
                if (!ContainerNames.valid(alias)) {
                    throw new InvalidDefinitionException(path, "network alias \"" + alias + "\" must be 1 to 63 of letters, digits, '_', '.', '-'");
                }
            }
        }
    }
}
