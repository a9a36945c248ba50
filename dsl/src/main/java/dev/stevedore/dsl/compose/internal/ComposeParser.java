package dev.stevedore.dsl.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.dsl.compose.ComposeFileException;
import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a compose file into a {@link ComposeProject}: YAML through Jackson, variables substituted in every value,
 * then each service's keys checked against what Stevedore supports, so an unsupported key fails the read and says
 * where it is.
 */
public final class ComposeParser {
    private static final Set<String> TOP_LEVEL = Set.of("version", "name", "services", "networks", "volumes");
    private static final ObjectMapper TREES = new ObjectMapper();

    private ComposeParser() {
    }

    /** Reads {@code file}; variables from {@code variables}, then {@code environment}, then {@code .env}. */
    public static ComposeProject parse(Path file, String projectName, Map<String, String> variables,
                                       Map<String, String> environment) {
        return parse(file, projectName, variables, environment, List.of());
    }

    /**
     * Reads {@code file} with only the services {@code profiles} enable (those with no profiles, and those with one of
     * them; {@code *} enables all); none given: the profiles {@code COMPOSE_PROFILES} lists (comma-separated), as
     * docker compose has it.
     */
    public static ComposeProject parse(Path file, String projectName, Map<String, String> variables,
                                       Map<String, String> environment, Collection<String> profiles) {
        Path absolute = file.toAbsolutePath().normalize();
        String where = absolute.getFileName().toString();
        JsonNode root;
        try {
            root = TREES.valueToTree(Yaml.load(Files.readString(absolute)));
        } catch (IOException e) {
            throw new ComposeFileException(absolute + ": cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ComposeFileException(where + ": is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ComposeFileException(where + ": is not a compose file (its top level is not a mapping)");
        }
        Path directory = absolute.getParent();
        Map<String, String> dotEnv = EnvFile.read(directory.resolve(".env"), false, where);
        Function<String, String> lookup = name -> {
            String value = variables.get(name);
            if (value == null) {
                value = environment.get(name);
            }
            return value != null ? value : dotEnv.get(name);
        };
        root = interpolate(root, lookup, where);
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!TOP_LEVEL.contains(key) && !key.startsWith("x-")) {
                throw new ComposeFileException(where + ": top-level key \"" + key + "\" is not supported"
                        + " (Stevedore reads services, networks, volumes and name)");
            }
        }
        // as docker compose has it: -p over the file's name:, then the directory's name
        String name = projectName != null ? projectName
                : root.hasNonNull("name") ? root.get("name").asText() : normalizeName(directory.getFileName().toString());
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new ComposeFileException(where + ": project name \"" + name
                    + "\" must be lower-case letters, digits, '-' and '_', starting with a letter or digit");
        }
        JsonNode services = root.get("services");
        if (services == null || !services.isObject() || services.isEmpty()) {
            throw new ComposeFileException(where + ": declares no services");
        }
        Map<String, ComposeProject.ComposeNetwork> declaredNetworks = networks(root.get("networks"), where);
        Map<String, ComposeProject.ComposeVolume> volumes = volumes(root.get("volumes"), where);
        ServiceReader reader = new ServiceReader(where, directory, name, lookup);
        Map<String, ComposeService> read = new LinkedHashMap<>();
        services.fields().forEachRemaining(e -> read.put(e.getKey(), reader.read(e.getKey(), e.getValue())));
        Set<String> active = new LinkedHashSet<>(profiles);
        if (active.isEmpty() && lookup.apply("COMPOSE_PROFILES") != null) {
            for (String profile : lookup.apply("COMPOSE_PROFILES").split(",")) {
                if (!profile.isBlank()) {
                    active.add(profile.strip());
                }
            }
        }
        Map<String, ComposeService> enabled = new LinkedHashMap<>();
        read.forEach((serviceName, service) -> {
            if (service.profiles().isEmpty() || active.contains("*") || service.profiles().stream().anyMatch(active::contains)) {
                enabled.put(serviceName, service);
            }
        });
        Map<String, ComposeProject.ComposeNetwork> used = new LinkedHashMap<>();
        for (ComposeService service : read.values()) {
            String at = where + ": service \"" + service.name() + "\"";
            boolean on = enabled.containsKey(service.name());
            for (String network : service.networks().keySet()) {
                ComposeProject.ComposeNetwork declared = declaredNetworks.get(network);
                if (declared == null && !network.equals(ComposeProject.DEFAULT_NETWORK)) {
                    throw new ComposeFileException(at + ": network \"" + network
                            + "\" is not declared under the top-level networks");
                }
                if (on) {
                    used.putIfAbsent(network, declared != null ? declared : new ComposeProject.ComposeNetwork(false, Map.of()));
                }
            }
            for (ComposeService.Volume volume : service.volumes()) {
                if (volume.type() == ComposeService.Volume.Type.VOLUME && volume.source() != null
                        && !volumes.containsKey(volume.source())) {
                    throw new ComposeFileException(at + ": volume \"" + volume.source()
                            + "\" is not declared under the top-level volumes");
                }
            }
            for (String dependency : service.dependsOn().keySet()) {
                if (!read.containsKey(dependency)) {
                    throw new ComposeFileException(at + ": depends on \"" + dependency + "\", which is not a service here");
                }
                if (on && !enabled.containsKey(dependency)) {
                    // as docker compose: a service never starts without what it depends on
                    throw new ComposeFileException(at + ": depends on \"" + dependency + "\", which is not enabled by the"
                            + " active profiles " + active + " (\"" + dependency + "\" has " + read.get(dependency).profiles()
                            + "): activate one with --profile, or give \"" + dependency + "\" and \"" + service.name()
                            + "\" a common profile");
                }
                if (service.dependsOn().get(dependency) == ComposeService.Condition.SERVICE_HEALTHY
                        && read.get(dependency).healthcheck() == null) {
                    throw new ComposeFileException(at + ": depends on \"" + dependency
                            + "\" being healthy, but \"" + dependency + "\" has no healthcheck");
                }
            }
        }
        ComposeProject project = new ComposeProject(name, directory, enabled, used, volumes);
        startOrder(project); // refuses a cycle now, not when it starts
        return project;
    }

    /** The services, each after those it depends on, else in the file's order. */
    public static List<ComposeService> startOrder(ComposeProject project) {
        Set<String> placed = new LinkedHashSet<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String name : project.services().keySet()) {
            visit(project, name, placed, visiting);
        }
        List<ComposeService> order = new ArrayList<>();
        placed.forEach(n -> order.add(project.services().get(n)));
        return order;
    }

    private static void visit(ComposeProject project, String name, Set<String> placed, Set<String> visiting) {
        if (placed.contains(name)) {
            return;
        }
        if (!visiting.add(name)) {
            throw new ComposeFileException("compose project \"" + project.name() + "\": services depend on each other in a cycle: "
                    + String.join(" -> ", visiting) + " -> " + name);
        }
        for (String dependency : project.services().get(name).dependsOn().keySet()) {
            visit(project, dependency, placed, visiting);
        }
        visiting.remove(name);
        placed.add(name);
    }

    /** Compose's rule for a project name from a directory's: lower case, only letters, digits, '-' and '_'. */
    static String normalizeName(String directoryName) {
        String name = directoryName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
        return name.replaceFirst("^[_-]+", "").isEmpty() ? "default" : name.replaceFirst("^[_-]+", "");
    }

    private static Map<String, ComposeProject.ComposeNetwork> networks(JsonNode node, String where) {
        Map<String, ComposeProject.ComposeNetwork> networks = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return networks;
        }
        Nodes.requireObject(node, where + ": networks");
        node.fields().forEachRemaining(e -> {
            String at = where + ": network \"" + e.getKey() + "\"";
            JsonNode spec = e.getValue();
            if (spec == null || spec.isNull()) {
                networks.put(e.getKey(), new ComposeProject.ComposeNetwork(false, Map.of()));
                return;
            }
            Nodes.requireObject(spec, at);
            Nodes.onlyKeys(spec, at, Set.of("driver", "internal", "labels"));
            if (spec.has("driver") && !spec.get("driver").asText().equals("bridge")) {
                throw new ComposeFileException(at + ": driver \"" + spec.get("driver").asText()
                        + "\" is not supported (only bridge)");
            }
            networks.put(e.getKey(), new ComposeProject.ComposeNetwork(Nodes.bool(spec.get("internal"), at + ": internal"),
                    Nodes.stringMap(spec.get("labels"), at + ": labels")));
        });
        return networks;
    }

    private static Map<String, ComposeProject.ComposeVolume> volumes(JsonNode node, String where) {
        Map<String, ComposeProject.ComposeVolume> volumes = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return volumes;
        }
        Nodes.requireObject(node, where + ": volumes");
        node.fields().forEachRemaining(e -> {
            String at = where + ": volume \"" + e.getKey() + "\"";
            JsonNode spec = e.getValue();
            if (spec != null && !spec.isNull()) {
                Nodes.requireObject(spec, at);
                Nodes.onlyKeys(spec, at, Set.of("driver", "labels"));
                if (spec.has("driver") && !spec.get("driver").asText().equals("local")) {
                    throw new ComposeFileException(at + ": driver \"" + spec.get("driver").asText()
                            + "\" is not supported (only local)");
                }
            }
            volumes.put(e.getKey(), new ComposeProject.ComposeVolume(
                    spec == null ? Map.of() : Nodes.stringMap(spec.get("labels"), at + ": labels")));
        });
        return volumes;
    }

    /** A copy of {@code node} with variables substituted in every string value (keys stay as written). */
    private static JsonNode interpolate(JsonNode node, Function<String, String> lookup, String where) {
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(Interpolation.apply(node.asText(), lookup, where));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> {
                copy.set(e.getKey(), interpolate(e.getValue(), lookup, where + ": " + e.getKey()));
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(interpolate(element, lookup, where)));
            return copy;
        }
        return node;
    }
}
