package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service keys teams write ({@code hostname}, {@code extra_hosts}, {@code cap_add}, {@code init},
 * {@code ulimits}, {@code stop_grace_period}, ...), through {@code stevedore compose up} on the test bed's dockerd
 * beside Debian's {@code docker-compose} bringing up the same file: dockerd's inspect and what a process in each
 * container sees must be the same, and what the file asked for. The file shares its settings through an {@code x-}
 * field, a YAML anchor and {@code <<:} merges, as teams write it.
 */
class ComposeServiceKeysIT extends ComposeRuns {
    private static final String FILE_TEXT = """
            x-common: &common
              image: ${BUSYBOX}
              command: ["sleep", "600"]
              init: true
              ulimits:
                nofile: {soft: 1024, hard: 2048}
                nproc: 512
            services:
              app:
                <<: *common
                hostname: apphost
                domainname: example.org
                extra_hosts:
                  - "db.example:10.1.2.3"
                cap_add: [NET_ADMIN]
                cap_drop: [CHOWN]
                stop_grace_period: 1m30s
                stop_signal: SIGUSR1
                dns: [10.9.9.9]
                dns_search: [example.org]
                shm_size: 32m
                sysctls:
                  net.core.somaxconn: 1024
                mem_limit: 256m
                cpus: 0.5
                read_only: true
                tty: true
                expose: ["3000"]
            """;
    private static final String INSPECT = "hostname={{.Config.Hostname}} domain={{.Config.Domainname}}"
            + " extraHosts={{.HostConfig.ExtraHosts}} capAdd={{.HostConfig.CapAdd}} capDrop={{.HostConfig.CapDrop}}"
            + " init={{.HostConfig.Init}} stopTimeout={{.Config.StopTimeout}} stopSignal={{.Config.StopSignal}}"
            + " dns={{.HostConfig.Dns}} dnsSearch={{.HostConfig.DnsSearch}} shm={{.HostConfig.ShmSize}}"
            + " sysctls={{.HostConfig.Sysctls}} memory={{.HostConfig.Memory}} nanoCpus={{.HostConfig.NanoCpus}}"
            + " readOnly={{.HostConfig.ReadonlyRootfs}} tty={{.Config.Tty}} exposed={{.Config.ExposedPorts}}";
    /**
     * What a process in the container sees of the same settings; the limits are pid 1's (the init, started with the
     * container's), since dockerd starts an exec'd process with its own.
     */
    private static final String PROBE = "hostname; grep db.example /etc/hosts; grep -E '^Cap(Eff|Bnd)' /proc/self/status;"
            + " test \"$(cat /proc/1/comm)\" = sleep || echo pid 1 is an init; grep -E 'open files|processes' /proc/1/limits;"
            + " cat /proc/sys/net/core/somaxconn; touch /probe 2>&1; true";

    private final String project = "cks" + Long.toHexString(System.nanoTime());

    @Test
    void onDockerdTheContainerGetsWhatDockerComposeGivesItFromTheSameFile() throws Exception {
        besideDockerCompose(FILE_TEXT, project, (host, file, reference) -> {
            List<String> inspected = new ArrayList<>();
            List<List<String>> seen = new ArrayList<>();
            for (String container : List.of(project + "-app-1", dockerComposeContainer(host, file, reference, "app"))) {
                inspected.add(run(host, "docker", "-H", host, "inspect", "-f", INSPECT, container).out().strip());
                seen.add(run(host, "docker", "-H", host, "exec", container, "sh", "-c", PROBE).outLines());
            }

            assertThat(inspected.get(0)).isEqualTo(inspected.get(1)).isEqualTo("hostname=apphost domain=example.org"
                    + " extraHosts=[db.example:10.1.2.3] capAdd=[NET_ADMIN] capDrop=[CHOWN] init=true stopTimeout=90"
                    + " stopSignal=SIGUSR1 dns=[10.9.9.9] dnsSearch=[example.org] shm=33554432"
                    + " sysctls=map[net.core.somaxconn:1024] memory=268435456 nanoCpus=500000000 readOnly=true tty=true"
                    + " exposed=map[3000/tcp:map[]]");
            assertThat(seen.get(0)).isEqualTo(seen.get(1));
            assertThat(seen.get(0)).startsWith("apphost", "10.1.2.3\tdb.example").contains("pid 1 is an init", "1024",
                    "touch: /probe: Read-only file system");
            assertThat(seen.get(0)).anyMatch(l -> l.matches("Max open files\\s+1024\\s+2048\\s+files\\s*"))
                    .anyMatch(l -> l.matches("Max processes\\s+512\\s+512\\s+processes\\s*"));
        });
    }

    @Test
    void onTheEmbeddedEngineAProcessSeesWhatItSeesUnderDockerCompose() throws Exception {
        java.nio.file.Path file = file(FILE_TEXT);
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        String reference = project + "ref";
        List<List<String>> seen = new ArrayList<>();
        try {
            compose("embedded", file, project, "up", "-d");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d");
            seen.add(compose("embedded", file, project, "exec", "-T", "app", "sh", "-c", PROBE).outLines());
            seen.add(run(host, "docker", "-H", host, "exec", dockerComposeContainer(host, file, reference, "app"),
                    "sh", "-c", PROBE).outLines());
            // the memory limit, as the engine has it
            seen.add(List.of(stevedore("--engine", "embedded", "inspect", "-f", "{{.HostConfig.Memory}}", project + "-app-1")
                    .out().strip()));
        } finally {
            compose("embedded", file, project, "down", "-v", "-t", "1");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "down", "-v", "-t", "1");
        }

        assertThat(seen.get(0)).isEqualTo(seen.get(1)).contains("apphost", "pid 1 is an init");
        assertThat(seen.get(2)).containsExactly("268435456");
    }

    @Test
    void containerNameNamesTheContainerAsDockerComposeDoesAndDownRemovesIt() throws Exception {
        String name = project + "-custom";
        String text = "services:\n  app:\n    image: ${BUSYBOX}\n    command: [sleep, '600']\n    container_name: " + name + "\n";
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        java.nio.file.Path file = file(text);
        String labels = "{{.Name}} {{index .Config.Labels \"com.docker.compose.service\"}}";
        List<String> seen = new ArrayList<>();
        // one after the other: the two tools cannot hold the same name at once
        try {
            compose(host, file, project, "up", "-d");
            seen.add(run(host, "docker", "-H", host, "inspect", "-f", labels, name).out().strip());
            compose(host, file, project, "down", "-t", "1");
            seen.add(run(host, "docker", "-H", host, "ps", "-aq", "--filter", "name=^" + name + "$").out().strip());

            run(host, "docker-compose", "-f", file.toString(), "-p", project + "ref", "up", "-d");
            seen.add(run(host, "docker", "-H", host, "inspect", "-f", labels, name).out().strip());
            run(host, "docker-compose", "-f", file.toString(), "-p", project + "ref", "down", "-t", "1");
            seen.add(run(host, "docker", "-H", host, "ps", "-aq", "--filter", "name=^" + name + "$").out().strip());
        } finally {
            attempt(host, "docker", "-H", host, "rm", "-f", name);
        }

        assertThat(seen).containsExactly("/" + name + " app", "", "/" + name + " app", "");
    }
}
