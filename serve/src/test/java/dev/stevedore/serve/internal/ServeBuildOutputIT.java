package dev.stevedore.serve.internal;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /build}'s stream as dockerd's classic builder sends it, beside the test bed's dockerd with the same
 * Dockerfile: the docker CLI ({@code DOCKER_BUILDKIT=0}: this one has no buildx) prints the same lines, ids masked,
 * for a build and its rebuild; docker-java reads the same {@code stream} text and the {@code aux} item in the same
 * place, right before {@code Successfully built}.
 */
class ServeBuildOutputIT extends DockerJavaPeers {
    @TempDir
    Path context;

    @Test
    void theDockerCliPrintsTheClassicBuildersLinesAsOnDockerd() throws IOException {
        String word = dockerfile();
        String tag = image("build-output-cli") + ":latest";
        List<List<String>> shapes = new ArrayList<>();
        for (Path daemon : List.of(socket, dockerdSocket)) {
            shapes.add(shape(DockerCli.run(daemon, "build", "-t", tag, context.toString())));
            shapes.add(shape(DockerCli.run(daemon, "build", "-t", tag, context.toString())));
        }

        assertThat(shapes.get(0)).isEqualTo(shapes.get(2)).containsExactly(
                "Step 1/3 : FROM " + busybox, " ---> ID",
                "Step 2/3 : RUN echo " + word, " ---> Running in ID", word, "Removing intermediate container ID", " ---> ID",
                "Step 3/3 : COPY f.txt /f.txt", " ---> ID",
                "Successfully built ID", "Successfully tagged " + tag);
        assertThat(shapes.get(1)).as("the rebuild").isEqualTo(shapes.get(3)).containsSubsequence(
                "Step 2/3 : RUN echo " + word, " ---> Using cache", " ---> ID",
                "Step 3/3 : COPY f.txt /f.txt", " ---> Using cache", " ---> ID").doesNotContain(word);
    }

    @Test
    void dockerJavaReadsTheSameStreamWithTheAuxItemBeforeSuccessfullyBuilt() throws Exception {
        String word = dockerfile();
        String tag = image("build-output-java") + ":latest";
        List<List<String>> shapes = new ArrayList<>();
        for (var client : peers().values()) {
            List<String> items = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            client.buildImageCmd(context.toFile()).withTags(Set.of(tag)).withNoCache(true)
                    .exec(new ResultCallback.Adapter<BuildResponseItem>() {
                        @Override
                        public void onNext(BuildResponseItem item) {
                            if (item.getAux() != null) {
                                text.append("AUX\n"); // docker-java 3.7 models no aux.ID: the place is what it sees
                            } else if (item.getStream() != null) {
                                text.append(item.getStream());
                            }
                        }
                    }).awaitCompletion(2, TimeUnit.MINUTES);
            items.addAll(text.toString().lines().toList());
            shapes.add(shape(items));
        }

        assertThat(shapes.get(0)).isEqualTo(shapes.get(1)).containsSubsequence(
                "Step 2/3 : RUN echo " + word, " ---> Running in ID", word, "Removing intermediate container ID", " ---> ID",
                "Step 3/3 : COPY f.txt /f.txt", " ---> ID", "AUX", "Successfully built ID",
                "Successfully tagged " + tag);
    }

    /** Writes the context: a step of this run's own, so dockerd (which keeps its cache) runs it too; returns its word. */
    private String dockerfile() throws IOException {
        String word = UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(context.resolve("f.txt"), "a file\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo " + word + "\nCOPY f.txt /f.txt\n");
        return word;
    }

    /**
     * The lines with their ids masked, without what only the docker CLI or dockerd prints: the context's upload, the
     * CLI's notice about the classic builder, dockerd's warning that its RUN steps have no IPv4 forwarding.
     */
    private static List<String> shape(List<String> lines) {
        return lines.stream()
                .filter(l -> !l.isBlank() && !l.startsWith("Sending build context to Docker daemon") && !l.startsWith("DEPRECATED:")
                        && !l.matches(" {2,}\\S.*") && !l.startsWith(" ---> [Warning]"))
                .map(l -> l.startsWith("Successfully tagged ") ? l : l.replaceAll("\\b([0-9a-f]{64}|[0-9a-f]{12})\\b", "ID"))
                .toList();
    }
}
