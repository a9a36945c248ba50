package dev.stevedore.engine;

/**
 * A container port published on the host.
 *
 * @param containerPort the port inside the container
 * @param protocol      {@code tcp} or {@code udp}
 * @param hostIp        the host address to listen on; {@code 127.0.0.1} unless asked otherwise
 * @param hostPort      the host port; {@code 0} asks for a free one
 */
public record PortBinding(int containerPort, String protocol, String hostIp, int hostPort) {

    public PortBinding {
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("container port " + containerPort + " is not between 1 and 65535");
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw new IllegalArgumentException("host port " + hostPort + " is not between 0 and 65535");
        }
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol;
        hostIp = hostIp == null || hostIp.isEmpty() ? "127.0.0.1" : hostIp;
    }

    /** Publishes {@code containerPort}/tcp on a free port of 127.0.0.1. */
    public static PortBinding loopback(int containerPort) {
        return new PortBinding(containerPort, "tcp", "127.0.0.1", 0);
    }

    /** Parses Docker's {@code -p} syntax: {@code [IP:][HOST:]CONTAINER[/PROTO]}. */
    public static PortBinding parse(String spec) {
        String protocol = "tcp";
        String rest = spec;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            protocol = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String[] parts = rest.split(":", -1);
        try {
            return switch (parts.length) {
                case 1 -> new PortBinding(Integer.parseInt(parts[0]), protocol, "127.0.0.1", 0);
                case 2 -> new PortBinding(Integer.parseInt(parts[1]), protocol, "127.0.0.1",
                        parts[0].isEmpty() ? 0 : Integer.parseInt(parts[0]));
                case 3 -> new PortBinding(Integer.parseInt(parts[2]), protocol, parts[0],
                        parts[1].isEmpty() ? 0 : Integer.parseInt(parts[1]));
                default -> throw new IllegalArgumentException("port \"" + spec + "\" is not [IP:][HOST:]CONTAINER[/PROTO]");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port \"" + spec + "\" is not [IP:][HOST:]CONTAINER[/PROTO]", e);
        }
    }

    /** {@code 5432/tcp}, as Docker keys ports. */
    public String key() {
        return containerPort + "/" + protocol;
    }
}
