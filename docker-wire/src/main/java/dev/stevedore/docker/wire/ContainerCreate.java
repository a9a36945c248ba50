package dev.stevedore.docker.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /containers/create}: the container's {@code Config} with its {@code HostConfig} and
 * {@code NetworkingConfig}. Every component may be {@code null} (absent).
 *
 * @param exposedPorts {@code {"80/tcp": {}}}: the values are always empty objects
 * @param stopTimeout  seconds
 * @param volumes      {@code {"/data": {}}}: an anonymous volume at each path
 * @param domainname   {@code --domainname}: the NIS domain name of its UTS namespace
 * @param networkDisabled no network but loopback, whatever {@code HostConfig.NetworkMode} says (API only: the docker
 *                     CLI has no flag for it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerCreate(
        @JsonProperty("Image") String image,
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("User") String user,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
        @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("StopTimeout") Long stopTimeout,
        @JsonProperty("Tty") Boolean tty,
        @JsonProperty("OpenStdin") Boolean openStdin,
        @JsonProperty("StdinOnce") Boolean stdinOnce,
        @JsonProperty("AttachStdin") Boolean attachStdin,
        @JsonProperty("AttachStdout") Boolean attachStdout,
        @JsonProperty("AttachStderr") Boolean attachStderr,
        @JsonProperty("Healthcheck") Healthcheck healthcheck,
        @JsonProperty("HostConfig") HostConfig hostConfig,
        @JsonProperty("NetworkingConfig") NetworkingConfig networkingConfig,
        @JsonProperty("MacAddress") String macAddress,
        @JsonProperty("Domainname") String domainname,
        @JsonProperty("NetworkDisabled") Boolean networkDisabled) {

    /**
     * {@code Config.Healthcheck}; durations in nanoseconds.
     *
     * @param test {@code ["CMD", ...]}, {@code ["CMD-SHELL", "..."]} or {@code ["NONE"]}
     * @param startInterval API 1.44's time between checks during the start period
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Healthcheck(
            @JsonProperty("Test") List<String> test,
            @JsonProperty("Interval") Long interval,
            @JsonProperty("Timeout") Long timeout,
            @JsonProperty("StartPeriod") Long startPeriod,
            @JsonProperty("Retries") Integer retries,
            @JsonProperty("StartInterval") Long startInterval) {
    }

    /** {@code NetworkingConfig}: the endpoint settings per network name. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetworkingConfig(@JsonProperty("EndpointsConfig") Map<String, EndpointSettings> endpointsConfig) {
    }

    /** One network's endpoint settings at create. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EndpointSettings(@JsonProperty("Aliases") List<String> aliases,
                                   @JsonProperty("IPAMConfig") IpamConfig ipamConfig,
                                   @JsonProperty("MacAddress") String macAddress,
                                   @JsonProperty("Links") List<String> links) {
    }

    /** {@code EndpointSettings.IPAMConfig}: the static address asked for on that network ({@code --ip}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IpamConfig(@JsonProperty("IPv4Address") String ipv4Address) {
    }
}
