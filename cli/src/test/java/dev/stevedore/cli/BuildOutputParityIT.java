package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code stevedore build} prints what {@code DOCKER_BUILDKIT=0 docker build} prints on the test bed's dockerd for the
 * same Dockerfile, line for line once the ids are masked: {@code ---> Running in}, {@code Removing intermediate
 * container}, each step's {@code ---> <id>}, and {@code ---> Using cache} on the rebuild. Scripts read these lines.
 */
class BuildOutputParityIT extends SideBySide {

    @Test
    void aBuildAndItsRebuildPrintTheClassicBuildersLines() throws Exception {
        Path context = Files.createDirectories(scratch.resolve("context"));
        Files.writeString(context.resolve("f.txt"), "a file\n");
        // a word of this run's own, so dockerd (which keeps its cache) runs the first build's steps too
        String word = UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo " + word + "\nCOPY f.txt /f.txt\n"
                + "RUN echo second\n");
        String tag = "local.test/build-output-" + word + ":1";
        stevedore("pull", "-q", busybox); // dockerd has it: a first pull would print its progress on one side only
        try {
            List<String> stevedore = shape(stevedore("build", "-t", tag, context.toString()).outLines());
            List<String> stevedoreAgain = shape(stevedore("build", "-t", tag, context.toString()).outLines());
            List<String> docker = shape(dockerResult("build", "-t", tag, context.toString()).outLines());
            List<String> dockerAgain = shape(dockerResult("build", "-t", tag, context.toString()).outLines());

            assertThat(stevedore).isEqualTo(docker).containsExactly(
                    "Step 1/4 : FROM " + busybox, " ---> ID",
                    "Step 2/4 : RUN echo " + word, " ---> Running in ID", word, "Removing intermediate container ID", " ---> ID",
                    "Step 3/4 : COPY f.txt /f.txt", " ---> ID",
                    "Step 4/4 : RUN echo second", " ---> Running in ID", "second", "Removing intermediate container ID", " ---> ID",
                    "Successfully built ID", "Successfully tagged " + tag);
            assertThat(stevedoreAgain).isEqualTo(dockerAgain).containsSubsequence(
                    "Step 2/4 : RUN echo " + word, " ---> Using cache", " ---> ID", "Step 3/4 : COPY f.txt /f.txt",
                    " ---> Using cache", " ---> ID").doesNotContain(word);
        } finally {
            TestbedDocker.run(scratch, host, "rmi", tag);
        }
    }

    /**
     * The lines with their 12-digit ids masked, without what only the docker CLI or only dockerd prints: the context's
     * upload (and the blank line after it) and dockerd's warning that its RUN steps have no IPv4 forwarding (a fact of the test bed's dockerd).
     */
    private static List<String> shape(List<String> lines) {
        return lines.stream()
                .dropWhile(l -> l.startsWith("Sending build context to Docker daemon") || l.isBlank())
                .filter(l -> !l.startsWith(" ---> [Warning]"))
                .map(l -> l.replaceAll("\\b[0-9a-f]{12}\\b", "ID"))
                .toList();
    }
}
