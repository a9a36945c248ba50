package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rest of #17's image and container parity, with the docker CLI (and curl for what the CLI does not print) against
 * the test bed's dockerd and against serve in the same run: a committed image's {@code Parent} in inspect, the list and
 * {@code docker history}; {@code docker history ID} and {@code docker save ID} of a dangling image; the image list newest
 * first; the prune's answer image by image; {@code docker inspect -s} and {@code docker ps -s}; {@code HostConfig.Binds}
 * and {@code HostConfig.Mounts} echoed as sent. Images carry a label of this run's and are removed by it: the dockerd is
 * shared.
 */
class ServeImageParityIT extends ServeWithDockerCli {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String label = "dev.stevedore.test.parity=" + UUID.randomUUID();

    @Test
    void aCommitNamesItsParentAndItsDanglingImageHasAHistoryAndASaveAsOnDockerd(@TempDir Path out) throws Exception {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            try {
                seen.put(name(server), commitAndLook(server, out.resolve(name(server) + ".tar")));
            } finally {
                removeLabelled(server);
            }
        }
        assertThat(seen.get("serve")).isEqualTo(seen.get("dockerd")).contains(
                "parent: BUSYBOX", "pulled parent: \"\"", "list parent: [BUSYBOX]", "saved by id: RepoTags null",
                "listed newest first: true", "history: [IMAGE, BUSYBOX]"); // the test bed's busybox has one step
    }

    private List<String> commitAndLook(Path server, Path archive) throws Exception {
        List<String> lines = new ArrayList<>();
        String busyboxId = DockerCli.run(server, "image", "inspect", "-f", "{{.Id}}", busybox).get(0);
        String id = commit(server, "echo x > /x");
        lines.add("parent: " + inspect(server, id, "{{.Parent}}").replace(busyboxId, "BUSYBOX"));
        lines.add("pulled parent: " + inspect(server, busybox, "{{json .Parent}}"));
        List<String> listed = new ArrayList<>();
        api(server, "GET", "/images/json?filters=" + filters("label", label)).forEach(i -> listed.add(i.path("ParentId").asText()));
        lines.add("list parent: " + listed.toString().replace(busyboxId, "BUSYBOX"));
        lines.add("history: " + DockerCli.run(server, "history", "-q", "--no-trunc", shortId(id)).toString()
                .replace(id, "IMAGE").replace(busyboxId, "BUSYBOX"));
        DockerCli.run(server, "save", "-o", archive.toString(), shortId(id));
        JsonNode manifest = JSON.readTree(run("tar", "-xOf", archive.toString(), "manifest.json"));
        lines.add("saved by id: RepoTags " + manifest.path(0).get("RepoTags"));
        List<Instant> created = new ArrayList<>();
        DateTimeFormatter go = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z z");
        DockerCli.run(server, "images", "--format", "{{.CreatedAt}}").forEach(t -> created.add(ZonedDateTime.parse(t, go).toInstant()));
        lines.add("listed newest first: " + (created.size() > 1 && created.stream().sorted(Comparator.reverseOrder()).toList()
                .equals(created)));
        return lines;
    }

    @Test
    void pruneAnswersImageByImageItsTagsThenItsIdAsDockerd() {
        Map<String, TreeSet<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            try {
                seen.put(name(server), prune(server));
            } finally {
                removeLabelled(server);
            }
        }
        assertThat(seen.get("serve")).isEqualTo(seen.get("dockerd"))
                .containsExactly("A: [local.test/parity-a:1, local.test/parity-a:2]", "B: [local.test/parity-b:1]");
    }

    /** The prune's lines as groups: each image's untagged references before its id (dockerd's layer ids left out). */
    private TreeSet<String> prune(Path server) {
        Map<String, String> names = new LinkedHashMap<>();
        String a = commit(server, "echo a > /a");
        String b = commit(server, "echo b > /b");
        names.put(a, "A");
        names.put(b, "B");
        DockerCli.run(server, "tag", a, "local.test/parity-a:1");
        DockerCli.run(server, "tag", a, "local.test/parity-a:2");
        DockerCli.run(server, "tag", b, "local.test/parity-b:1");
        TreeSet<String> groups = new TreeSet<>();
        List<String> untagged = new ArrayList<>();
        for (String line : DockerCli.run(server, "image", "prune", "-a", "-f", "--filter", "label=" + label)) {
            if (line.startsWith("untagged: ")) {
                untagged.add(line.substring("untagged: ".length()));
            } else if (line.startsWith("deleted: ") && names.containsKey(line.substring("deleted: ".length()))) {
                groups.add(names.get(line.substring("deleted: ".length())) + ": " + untagged.stream().sorted().toList());
                untagged.clear();
            }
        }
        return groups;
    }

    @Test
    void inspectAndPsWithSizeShowTheBytesTheContainerWroteAsDockerd() {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> lines = new ArrayList<>();
            String id = made(server, last(DockerCli.run(server, "create", busybox, "dd", "if=/dev/zero", "of=/written",
                    "bs=1024", "count=100")));
            DockerCli.run(server, "start", "-a", id);
            lines.add("inspect -s: " + DockerCli.run(server, "inspect", "-s", "-f", "{{.SizeRw}} {{gt .SizeRootFs .SizeRw}}", id));
            lines.add("inspect: " + DockerCli.run(server, "inspect", "-f", "{{.SizeRw}} {{.SizeRootFs}}", id));
            String size = DockerCli.run(server, "ps", "-a", "-s", "--filter", "id=" + id, "--format", "{{.Size}}").get(0);
            lines.add("ps -s: " + size.replaceAll(" \\(virtual .*\\)$", " (virtual)"));
            seen.put(name(server), lines);
        }
        assertThat(seen.get("serve")).isEqualTo(seen.get("dockerd"))
                .containsExactly("inspect -s: [102400 true]", "inspect: [<nil> <nil>]", "ps -s: 102kB (virtual)");
    }

    @Test
    void bindsAndMountsAreEchoedAsSentAsDockerd(@TempDir Path host) {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> lines = new ArrayList<>();
            String both = made(server, last(DockerCli.run(server, "create", "-v", host + ":/bound:ro,z",
                    "--mount", "type=bind,source=" + host + ",target=/mounted", busybox, "true")));
            lines.add("binds: " + inspect(server, both, "{{json .HostConfig.Binds}}").replace(host.toString(), "HOST"));
            lines.add("mounts: " + inspect(server, both, "{{json .HostConfig.Mounts}}").replace(host.toString(), "HOST"));
            lines.add("modes: " + new TreeSet<>(DockerCli.run(server, "inspect", "-f",
                    "{{range .Mounts}}{{println .Destination .Mode .RW}}{{end}}", both)));
            String none = made(server, last(DockerCli.run(server, "create", busybox, "true")));
            lines.add("no binds: " + inspect(server, none, "{{json .HostConfig.Binds}}"));
            seen.put(name(server), lines);
        }
        assertThat(seen.get("serve")).isEqualTo(seen.get("dockerd")).containsExactly(
                "binds: [\"HOST:/bound:ro,z\"]",
                "mounts: [{\"Type\":\"bind\",\"Source\":\"HOST\",\"Target\":\"/mounted\"}]",
                "modes: [/bound ro,z false, /mounted  true]",
                "no binds: null");
    }

    /** Runs {@code script} in a busybox to its end and commits it with this run's label, unnamed: the new id. */
    private String commit(Path server, String script) {
        String container = made(server, last(DockerCli.run(server, "create", busybox, "sh", "-c", script)));
        DockerCli.run(server, "start", "-a", container);
        return DockerCli.run(server, "commit", "-c", "LABEL " + label, container).stream()
                .filter(l -> l.startsWith("sha256:")).findFirst().orElseThrow();
    }

    /** Removes every image with this run's label (the containers made go after the class, as they use none now). */
    private void removeLabelled(Path server) {
        for (String image : DockerCli.run(server, "images", "-a", "-q", "-f", "label=" + label)) {
            try {
                DockerCli.run(server, "rmi", "-f", image);
            } catch (AssertionError gone) {
                // went with another
            }
        }
    }

    private String name(Path server) {
        return server == socket ? "serve" : "dockerd";
    }

    private static String shortId(String id) {
        return id.substring("sha256:".length(), "sha256:".length() + 12);
    }

    private static String inspect(Path server, String object, String format) {
        return DockerCli.run(server, "inspect", "-f", format, object).get(0);
    }

    private static String filters(String name, String value) {
        return URLEncoder.encode("{\"" + name + "\":[\"" + value + "\"]}", StandardCharsets.UTF_8);
    }

    /** An API call the docker CLI has no command for, through curl, a client that reads dockerd's chunked answers. */
    private static JsonNode api(Path server, String method, String path) throws IOException, InterruptedException {
        return JSON.readTree(run("curl", "-sf", "--unix-socket", server.toString(), "-X", method, "http://docker" + path));
    }

    private static byte[] run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).as("%s", List.of(command)).isZero();
        return output;
    }
}
