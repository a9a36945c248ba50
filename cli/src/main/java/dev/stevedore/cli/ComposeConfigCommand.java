package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code compose config}: the file as read — variables replaced, short forms expanded, defaults filled — as YAML in
 * docker compose v2's shape ({@code name}, {@code services} with their keys sorted, {@code networks}, {@code volumes}
 * with their engine names). The container settings passed through as they are ({@code cap_add}, {@code ulimits},
 * ...) are applied but not printed. Needs no engine.
 */
@Command(name = "config", description = "Print the compose file as read, or its services' names.")
final class ComposeConfigCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    ComposeCommand compose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--services", description = "Print the services' names, one a line.")
    boolean services;

    @Option(names = "--volumes", description = "Print the named volumes' names, one a line.")
    boolean volumes;

    @Option(names = {"-q", "--quiet"}, description = "Only check the file: print nothing.")
    boolean quiet;

    /** The file is all it needs: no engine is opened. */
    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        ComposeProject project = compose.project();
        if (quiet) {
            return 0;
        }
        if (services) {
            // sorted, as docker compose v2 prints them (docker-compose 1.x: in start order)
            project.services().keySet().stream().sorted().forEach(out::println);
        } else if (volumes) {
            project.volumes().keySet().forEach(out::println);
        } else {
            out.print(YamlText.of(model(project)));
        }
        out.flush();
        return 0;
    }

    static Map<String, Object> model(ComposeProject project) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", project.name());
        Map<String, Object> services = new TreeMap<>();
        project.services().forEach((name, service) -> services.put(name, service(project, service)));
        model.put("services", services);
        Map<String, Object> networks = new TreeMap<>();
        project.networks().forEach((name, network) -> {
            Map<String, Object> n = new TreeMap<>();
            n.put("name", project.name() + "_" + name);
            if (network.internal()) {
                n.put("internal", true);
            }
            if (!network.labels().isEmpty()) {
                n.put("labels", new TreeMap<>(network.labels()));
            }
            networks.put(name, n);
        });
        model.put("networks", networks);
        if (!project.volumes().isEmpty()) {
            Map<String, Object> volumes = new TreeMap<>();
            project.volumes().forEach((name, volume) -> {
                Map<String, Object> v = new TreeMap<>();
                v.put("name", project.name() + "_" + name);
                if (!volume.labels().isEmpty()) {
                    v.put("labels", new TreeMap<>(volume.labels()));
                }
                volumes.put(name, v);
            });
            model.put("volumes", volumes);
        }
        return model;
    }

    private static Map<String, Object> service(ComposeProject project, ComposeService service) {
        Map<String, Object> s = new TreeMap<>();
        if (service.build() != null) {
            Map<String, Object> build = new TreeMap<>();
            build.put("context", service.build().context().toString());
            build.put("dockerfile", service.build().dockerfile() == null ? "Dockerfile" : service.build().dockerfile());
            if (!service.build().args().isEmpty()) {
                build.put("args", new TreeMap<>(service.build().args()));
            }
            if (service.build().target() != null) {
                build.put("target", service.build().target());
            }
            if (service.build().network() != null) {
                build.put("network", service.build().network());
            }
            if (!service.build().extraHosts().isEmpty()) {
                build.put("extra_hosts", service.build().extraHosts());
            }
            s.put("build", build);
        }
        putIf(s, "command", service.command());
        putIf(s, "entrypoint", service.entrypoint());
        putIf(s, "container_name", service.options().containerName());
        if (!service.dependsOn().isEmpty()) {
            Map<String, Object> dependsOn = new TreeMap<>();
            service.dependsOn().forEach((name, condition) -> dependsOn.put(name,
                    Map.of("condition", condition.name().toLowerCase(java.util.Locale.ROOT))));
            s.put("depends_on", dependsOn);
        }
        if (!service.environment().isEmpty()) {
            s.put("environment", new TreeMap<>(service.environment()));
        }
        if (service.healthcheck() != null) {
            s.put("healthcheck", healthcheck(service.healthcheck()));
        }
        s.put("image", service.image());
        if (!service.labels().isEmpty()) {
            s.put("labels", new TreeMap<>(service.labels()));
        }
        if (!service.links().isEmpty()) {
            s.put("links", service.links());
        }
        Map<String, Object> networks = new TreeMap<>();
        service.networks().forEach((name, aliases) -> networks.put(name, aliases.isEmpty() ? null : Map.of("aliases", aliases)));
        s.put("networks", networks);
        if (!service.ports().isEmpty()) {
            List<Object> ports = new ArrayList<>();
            for (ComposeService.Port port : service.ports()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("mode", "ingress");
                if (port.hostIp() != null) {
                    p.put("host_ip", port.hostIp());
                }
                p.put("target", port.containerPort());
                if (port.hostPort() != 0) {
                    p.put("published", String.valueOf(port.hostPort()));
                }
                p.put("protocol", "tcp");
                ports.add(p);
            }
            s.put("ports", ports);
        }
        if (service.privileged()) {
            s.put("privileged", true);
        }
        if (!service.profiles().isEmpty()) {
            s.put("profiles", service.profiles());
        }
        if (!service.restart().toString().equals("no")) {
            s.put("restart", service.restart().toString());
        }
        putIf(s, "user", service.user());
        if (!service.volumes().isEmpty()) {
            List<Object> volumes = new ArrayList<>();
            for (ComposeService.Volume volume : service.volumes()) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("type", volume.type().name().toLowerCase(java.util.Locale.ROOT));
                if (volume.source() != null) {
                    v.put("source", volume.source());
                }
                v.put("target", volume.target());
                if (volume.readOnly()) {
                    v.put("read_only", true);
                }
                volumes.add(v);
            }
            s.put("volumes", volumes);
        }
        if (!service.volumesFrom().isEmpty()) {
            s.put("volumes_from", service.volumesFrom());
        }
        putIf(s, "working_dir", service.workingDir());
        return s;
    }

    private static Map<String, Object> healthcheck(ComposeService.Healthcheck check) {
        Map<String, Object> h = new LinkedHashMap<>();
        List<String> test = new ArrayList<>(List.of("CMD"));
        test.addAll(check.command());
        h.put("test", test);
        putIf(h, "timeout", duration(check.timeout()));
        putIf(h, "interval", duration(check.interval()));
        if (check.retries() != 0) {
            h.put("retries", check.retries());
        }
        putIf(h, "start_period", duration(check.startPeriod()));
        return h;
    }

    /** {@code 1m30s}, {@code 500ms}: Go's duration form, as docker compose prints one. */
    private static String duration(Duration duration) {
        if (duration == null) {
            return null;
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return duration.toNanos() % 1_000_000 == 0 ? duration.toMillis() + "ms" : duration.toNanos() + "ns";
        }
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        String seconds = java.math.BigDecimal.valueOf(duration.toSecondsPart() * 1_000_000_000L + duration.toNanosPart(), 9)
                .stripTrailingZeros().toPlainString() + "s";
        return hours > 0 ? hours + "h" + minutes + "m" + seconds : minutes > 0 ? minutes + "m" + seconds : seconds;
    }

    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
