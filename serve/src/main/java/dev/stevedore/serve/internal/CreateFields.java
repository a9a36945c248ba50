package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.docker.wire.ContainerCreate;
import dev.stevedore.docker.wire.HostConfig;
import dev.stevedore.docker.wire.Wire;
import dev.stevedore.engine.RestartPolicy;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rule of {@code POST /containers/create}: every field a client sends is honoured or refused with a 400 that
 * names it and says why, never accepted and dropped. {@link ContainerCreate} holds exactly the fields
 * {@link CreateRequest} reads; a field with a value outside it is refused here, and the values of read fields
 * that the engine cannot apply are refused by {@link #refuseValues}. A field added to the record without code that
 * reads it fails {@code CreateFieldsTest}, which sends every field.
 */
final class CreateFields {
    /** A request without {@code HostConfig} reads as one with every field absent. */
    static final HostConfig NO_HOST_CONFIG = new HostConfig(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null);

    /**
     * Fields the record binds that change nothing, and why that is what dockerd does too. Any other field of the
     * record reaches the spec or is refused.
     */
    static final Map<String, String> NO_EFFECT = Map.of(
            "AttachStdin", "the client attaches with its own call; OpenStdin is what keeps stdin open",
            "AttachStdout", "the client attaches with its own call; dockerd keeps the flag for inspect only",
            "AttachStderr", "the client attaches with its own call; dockerd keeps the flag for inspect only",
            "HostConfig.ConsoleSize", "the docker CLI sizes the TTY with POST /containers/{id}/resize once it starts",
            "HostConfig.ContainerIDFile", "the docker CLI writes that file itself; dockerd ignores the field too");

    /**
     * Why a field outside the record is refused, by the field's last name (lower case), where there is more to say
     * than that the engine has no such setting.
     */
    private static final Map<String, String> WHY = Map.ofEntries(
            Map.entry("iomaximumiops", "Windows only; dockerd on Linux refuses it too (\"Invalid QoS settings: linux does"
                    + " not support configuration of maximum IOPs\")"),
            Map.entry("iomaximumbandwidth", "Windows only; dockerd on Linux refuses it too (\"Invalid QoS settings\")"),
            Map.entry("cpupercent", "Windows only; dockerd on Linux discards it with a warning (\"linux does not support"
                    + " CPU percent\")"),
            Map.entry("cpucount", "Windows only; dockerd on Linux ignores it"),
            Map.entry("isolation", "Windows only; on Linux dockerd takes only 'default', as this engine does"),
            Map.entry("runtime", "the engine runs containers with its own launcher, not a named OCI runtime; 'runc' is"
                    + " taken without effect"),
            Map.entry("volumedriver", "the engine has only its own local volumes"));

    /**
     * Values of fields the record does not bind that change nothing here, as on dockerd for Linux: the runtime dockerd
     * names its own ({@code --runtime runc}; inspect answers it for every container) and the only isolation Linux has
     * ({@code --isolation default}). Keys are lower-case paths, values JSON text.
     */
    private static final Map<String, String> CLIENT_DEFAULTS = Map.of("hostconfig.runtime", "\"runc\"",
            "hostconfig.isolation", "\"default\"");

    private CreateFields() {
    }

    /** Refuses every field with a value that {@link ContainerCreate} does not bind. */
    static void refuseUnbound(JsonNode body) {
        List<String> unbound = Wire.unbound(body, ContainerCreate.class, CLIENT_DEFAULTS);
        if (!unbound.isEmpty()) {
            String field = unbound.get(0);
            String last = field.substring(field.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            String why = WHY.getOrDefault(last, "its engine has no such setting; leave the field out or at its default");
            throw refused(field, why);
        }
    }

    /** Refuses the values of read fields that the engine cannot apply. */
    static void refuseValues(ContainerCreate c, HostConfig host) {
        HostConfig.RestartPolicy restart = host.restartPolicy();
        if (CreateRequest.isTrue(host.autoRemove()) && restart != null && !CreateRequest.restartPolicy(restart).equals(RestartPolicy.NO)) {
            // dockerd's words: a container removed at its end cannot be started again
            throw refused("HostConfig.RestartPolicy", "can't create 'AutoRemove' with a restart policy");
        }
    }

    private static ApiException refused(String field, String why) {
        return ApiException.badRequest(field + " is not supported by stevedore serve: " + why);
    }
}
