package dev.stevedore.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.testbed.Testbed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code docker} CLI's image commands against {@code stevedore serve}: {@code docker tag} (and
 * {@code rmi} of one tag keeping the image), {@code docker save | docker load} through a pipe, and
 * {@code docker push} to the test bed's plain registry, checked in the registry itself. Kept apart from
 * {@link DockerCliIT} so that the two grow without stepping on each other.
 */
@ExtendWith(SharedServe.class)
class DockerCliImagesIT {
    private static final Pattern PUSHED_DIGEST = Pattern.compile("(?m)^v1: digest: (sha256:[0-9a-f]{64}) size: \\d+$");

    private static ServeEndpoint endpoint;
    private static DockerCli docker;
    private static Path dockerConfig;

    private final List<String> references = new ArrayList<>();

    @BeforeAll
    static void connect(ServeEndpoint serve, @TempDir Path config) {
        DockerCli.clientVersion();
        endpoint = serve;
        dockerConfig = config;
        docker = new DockerCli(endpoint.dockerHost(), dockerConfig);
        DockerCli.Result pull = docker.run("pull", endpoint.image("busybox"));
        assertThat(pull.exitCode()).as(pull.toString()).isZero();
    }

    @AfterEach
    void removeTheTags() {
        references.forEach(reference -> docker.run("rmi", reference));
    }

    private String fresh(String where) {
        String reference = where + "/cli-" + UUID.randomUUID().toString().substring(0, 8) + "/busybox:v1";
        references.add(reference);
        return reference;
    }

    private String busyboxId() {
        DockerCli.Result inspect = docker.run("image", "inspect", "--format", "{{.Id}}", endpoint.image("busybox"));
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        return inspect.out().strip();
    }

    @Test
    void tagNamesTheImageAndRemovingTheTagKeepsIt() {
        String tagged = fresh("local.test");

        DockerCli.Result tag = docker.run("tag", endpoint.image("busybox"), tagged);

        assertThat(tag.exitCode()).as(tag.toString()).isZero();
        DockerCli.Result inspect = docker.run("image", "inspect", "--format", "{{.Id}}", tagged);
        assertThat(inspect.out().strip()).as(inspect.toString()).isEqualTo(busyboxId());
        DockerCli.Result images = docker.run("images", "--format", "{{.Repository}}:{{.Tag}}");
        assertThat(images.outLines()).as(images.toString()).contains(tagged);
        DockerCli.Result rmi = docker.run("rmi", tagged);
        assertThat(rmi.exitCode()).as(rmi.toString()).isZero();
        assertThat(rmi.outLines()).as(rmi.toString()).containsExactly("Untagged: " + tagged);
        assertThat(busyboxId()).startsWith("sha256:");
    }

    @Test
    void savePipedIntoLoadBringsTheImageBackAndItRuns() throws Exception {
        String tagged = fresh("local.test");
        assertThat(docker.run("tag", endpoint.image("busybox"), tagged).exitCode()).isZero();
        Path archive = dockerConfig.resolve("saved.tar");
        DockerCli.Result save = docker.run("save", "-o", archive.toString(), tagged);
        assertThat(save.exitCode()).as(save.toString()).isZero();
        assertThat(docker.run("rmi", tagged).exitCode()).isZero();

        Shell piped = shell("docker load -i " + archive + " && docker save " + tagged + " | docker load");

        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertThat(piped.out().lines().filter(("Loaded image: " + tagged)::equals)).as(piped.toString()).hasSize(2);
        DockerCli.Result run = docker.run("run", "--rm", tagged, "sh", "-c", "echo loaded-$((6*7))");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().strip()).isEqualTo("loaded-42");
    }

    @Test
    void pushStoresTheImageInTheRegistryAndASecondPushUploadsNothing() throws Exception {
        String registry = Testbed.get().plainRegistry();
        String pushed = fresh(registry);
        assertThat(docker.run("tag", endpoint.image("busybox"), pushed).exitCode()).isZero();

        DockerCli.Result push = docker.run("push", pushed);

        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(push.outLines()).as(push.toString())
                .contains("The push refers to repository [" + pushed.substring(0, pushed.lastIndexOf(':')) + "]");
        Matcher digest = PUSHED_DIGEST.matcher(push.out());
        assertThat(digest.find()).as(push.toString()).isTrue();
        String repository = pushed.substring(registry.length() + 1, pushed.lastIndexOf(':'));
        HttpResponse<Void> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + registry + "/v2/" + repository + "/manifests/v1"))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest.group(1));

        DockerCli.Result again = docker.run("push", pushed);

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).as(again.toString()).contains("Layer already exists").doesNotContain("Pushed");
    }

    @Test
    void pushOfAnImageThatIsNotThereFails() {
        String missing = Testbed.get().plainRegistry() + "/cli-missing-" + UUID.randomUUID().toString().substring(0, 8) + ":v1";

        DockerCli.Result push = docker.run("push", missing);

        assertThat(push.exitCode()).as(push.toString()).isNotZero();
        assertThat(push.err()).as(push.toString()).contains("does not exist locally");
    }

    private record Shell(String command, int exitCode, String out, String err) {
    }

    /** Runs {@code script} with bash, with the docker CLI pointed at the endpoint (for pipes between docker commands). */
    private static Shell shell(String script) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -o pipefail; " + script);
        builder.environment().remove("DOCKER_CONTEXT");
        builder.environment().put("DOCKER_HOST", endpoint.dockerHost());
        builder.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = dockerConfig.resolve("shell.out");
        Path err = dockerConfig.resolve("shell.err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("'" + script + "' did not end in 180 s");
        }
        return new Shell(script, process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }
}
