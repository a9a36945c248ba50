package dev.stevedore.serve.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.shaded.com.github.dockerjava.core.DefaultDockerClientConfig;
import org.testcontainers.shaded.com.github.dockerjava.core.DockerClientImpl;
import org.testcontainers.shaded.com.github.dockerjava.core.RemoteApiVersion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A test class that drives serve and the test bed's dockerd with docker-java, Testcontainers' client library, built
 * as Testcontainers builds it (its shaded core over the zerodep transport): the same calls on both, so what is
 * expected of serve is what dockerd answered in the same run. Both clients pin API 1.41, the newest the test bed's
 * dockerd 20.10 speaks, so the two peers get the same requests. Containers, networks and images it names are
 * removed after the class.
 */
abstract class DockerJavaPeers extends ServeWithDockerCli {
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
    /** A name prefix of this run's own, so parallel runs and other helpers' containers never collide. */
    protected final String prefix = "djava-" + Long.toHexString(System.nanoTime()) + "-";
    protected final Path dockerdSocket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));
    private final Map<String, DockerClient> clients = new LinkedHashMap<>();
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final List<String> images = new ArrayList<>();

    @BeforeAll
    void connectClients() {
        DockerCli.run(dockerdSocket, "pull", "-q", busybox);
        clients.put("serve", client(socket));
        clients.put("dockerd", client(dockerdSocket));
    }

    @AfterAll
    void removeWhatTheClassMade() throws IOException {
        for (DockerClient client : clients.values()) {
            for (String name : containers) {
                quietly(() -> client.removeContainerCmd(name).withForce(true).withRemoveVolumes(true).exec());
            }
            for (String name : networks) {
                quietly(() -> client.removeNetworkCmd(name).exec());
            }
            for (String name : images) {
                quietly(() -> client.removeImageCmd(name).withForce(true).exec());
            }
            client.close();
        }
    }

    private static void quietly(Runnable removal) {
        try {
            removal.run();
        } catch (NotFoundException gone) {
            // the test removed it
        }
    }

    private static DockerClient client(Path socket) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("unix://" + socket).withApiVersion(RemoteApiVersion.VERSION_1_41).build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(30)).responseTimeout(CALL_TIMEOUT).build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** serve's client first, then dockerd's. */
    protected Map<String, DockerClient> peers() {
        return clients;
    }

    /** Runs {@code probe} on serve and on dockerd; the two answers, serve's first, keyed by peer. */
    protected <T> Map<String, T> onBoth(Function<DockerClient, T> probe) {
        Map<String, T> answers = new LinkedHashMap<>();
        clients.forEach((who, client) -> answers.put(who, probe.apply(client)));
        return answers;
    }

    /** {@code prefix + name}, removed from both peers after the class. */
    protected String container(String name) {
        containers.add(prefix + name);
        return prefix + name;
    }

    /** {@code prefix + name}, a network removed from both peers after the class. */
    protected String network(String name) {
        networks.add(prefix + name);
        return prefix + name;
    }

    /** {@code repository} (lower case, with {@link #prefix}), an image removed from both peers after the class. */
    protected String image(String repository) {
        String reference = prefix + repository;
        images.add(reference + ":latest");
        return reference;
    }

    /** Creates a busybox container named {@code prefix + name} running {@code command}, as {@code customize} adds. */
    protected String create(DockerClient client, String name, Consumer<CreateContainerCmd> customize, String... command) {
        CreateContainerCmd create = client.createContainerCmd(busybox).withName(container(name)).withCmd(command);
        customize.accept(create);
        return create.exec().getId();
    }

    /** Creates and starts a busybox container that sleeps. */
    protected String runSleeping(DockerClient client, String name) {
        String id = create(client, name, c -> { }, "sleep", "600");
        client.startContainerCmd(id).exec();
        return id;
    }

    /** Starts {@code id}, waits for it to exit and answers its output (stdout and stderr, as the logs hold them). */
    protected static String runToEnd(DockerClient client, String id) {
        client.startContainerCmd(id).exec();
        client.waitContainerCmd(id).start().awaitStatusCode(2, TimeUnit.MINUTES);
        return logs(client, id);
    }

    /** The container's logs so far, stdout and stderr. */
    protected static String logs(DockerClient client, String id) {
        StringBuilder out = new StringBuilder();
        try {
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted reading the logs of " + id, e);
        }
        return out.toString();
    }
}
