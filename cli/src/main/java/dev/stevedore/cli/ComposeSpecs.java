package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container a compose service runs in, as docker compose makes it: the service's own container
 * ({@code <project>-<service>-1}, its ports published, its name an alias on its networks) and a one-off of the same
 * configuration for {@code compose run} (no ports, no aliases, labelled {@code oneoff=True}).
 */
final class ComposeSpecs {
    static final String CONFIG_HASH = "com.docker.compose.config-hash";
    static final String ONEOFF = "com.docker.compose.oneoff";

    private ComposeSpecs() {
    }

    /** The service's own container, labelled with its number and the hash of its configuration. */
    static ContainerSpec service(String name, ComposeProject project, ComposeService service) {
        ContainerSpec.Builder spec = common(name, project, service, service.containerName(name), service.environment());
        spec.label(ComposeProjects.NUMBER, "1").label(ONEOFF, "False").label(CONFIG_HASH, configHash(service));
        for (ComposeService.Port port : service.ports()) {
            spec.port(new PortBinding(port.containerPort(), "tcp", port.hostIp(), port.hostPort()));
        }
        String first = service.networks().keySet().iterator().next();
        aliases(service, first).forEach(spec::networkAlias);
        return spec.build();
    }

    /**
     * A one-off container of the service's configuration ({@code compose run}) with {@code environment} over the
     * service's, never restarted by the engine; the caller sets its command.
     */
    static ContainerSpec.Builder oneOff(String name, ComposeProject project, ComposeService service, String containerName,
                                        Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>(service.environment());
        merged.putAll(environment);
        return common(name, project, service, containerName, merged).label(ONEOFF, "True").restartPolicy(RestartPolicy.NO);
    }

    /** The network aliases of {@code service} on {@code network}: its name, then those the file gives. */
    static List<String> aliases(ComposeService service, String network) {
        List<String> aliases = new ArrayList<>();
        aliases.add(service.name());
        aliases.addAll(service.networks().get(network));
        return aliases;
    }

    /**
     * A digest of the service as read: {@code up} recreates a container whose label differs, as docker compose does
     * when the file changed, and leaves one alone when it did not.
     */
    static String configHash(ComposeService service) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(service.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static ContainerSpec.Builder common(String name, ComposeProject project, ComposeService service, String containerName,
                                                Map<String, String> environment) {
        ContainerSpec.Builder spec = ContainerSpec.builder(service.image()).name(containerName);
        if (service.healthcheck() != null) {
            spec.healthCheck(service.healthcheck().engineCheck());
        }
        if (service.entrypoint() != null) {
            spec.entrypoint(service.entrypoint());
        }
        if (service.command() != null) {
            spec.cmd(service.command());
        }
        environment.forEach(spec::env);
        if (service.workingDir() != null) {
            spec.workingDir(service.workingDir());
        }
        if (service.user() != null) {
            spec.user(service.user());
        }
        spec.labels(service.labels()).label(ComposeProjects.PROJECT, name).label(ComposeProjects.SERVICE, service.name())
                .label(ContainerSpec.KEEP_LABEL, "true");
        for (ComposeService.Volume volume : service.volumes()) {
            spec.mount(switch (volume.type()) {
                case VOLUME -> Mount.volume(name + "_" + volume.source(), volume.target(), volume.readOnly());
                case BIND -> Mount.bind(volume.source(), volume.target(), volume.readOnly());
                case TMPFS -> Mount.tmpfs(volume.target(), "");
            });
        }
        spec.networkMode(name + "_" + service.networks().keySet().iterator().next());
        spec.hostname(service.name());
        spec.restartPolicy(service.restart());
        spec.privileged(service.privileged());
        service.options().applyTo(spec); // checked when the file was read
        for (String from : service.volumesFrom()) {
            // SERVICE[:mode] is that service's container here; container:NAME[:mode] names one outright
            int colon = from.indexOf(':');
            String mode = colon < 0 ? "" : from.substring(colon);
            spec.volumesFrom(from.startsWith("container:") ? from.substring("container:".length())
                    : project.service(from.substring(0, colon < 0 ? from.length() : colon)).containerName(name) + mode);
        }
        for (String link : service.links()) {
            // SERVICE:ALIAS is that service's container here, known to this one as ALIAS
            spec.link(project.service(Link.parse(link).container()).containerName(name), Link.parse(link).alias());
        }
        return spec;
    }
}
