package dev.stevedore.apitest.contract;

import dev.stevedore.engine.BuildCachePrune;
import dev.stevedore.engine.BuildCachePruned;
import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Image builds from Dockerfiles: the same contexts built by every engine give the same files, config and layer
 * count; the step cache reuses an unchanged RUN (seen through a RUN that writes a random stamp) and rebuilds from the
 * first step whose file or build arg changed; {@code --target} builds only the stages it needs; {@code .dockerignore}
 * keeps files out of the context; {@code --network} and {@code --add-host} are the RUN steps' own; the build cache is pruned with Docker's options; a failing RUN reports its exit code and output and tags nothing; a built image
 * pushed to the test bed's registry is pulled back and run by dockerd.
 *
 * <p>Runs on the embedded engine ({@code EmbeddedBuildContractIT}) and on the test bed's dockerd with its classic
 * builder ({@code DockerBuildContractIT}). Base image: the test bed's busybox.
 */
public abstract class BuildContract extends EngineContract {
    @TempDir
    Path dir;

    private final List<ImageReference> made = new CopyOnWriteArrayList<>();

    @AfterAll
    final void removeTheImagesBuilt() {
        for (ImageReference reference : made) {
            if (engine.image(reference).isPresent()) {
                engine.removeImage(reference);
            }
        }
        afterImagesRemoved();
    }

    /** What an engine's contract does once the images it built are gone: nothing, unless it says otherwise. */
    protected void afterImagesRemoved() {
    }

    private ImageReference fresh(String name) {
        ImageReference reference = ImageReference.parse("local.test/build-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":1");
        made.add(reference);
        return reference;
    }

    private Path write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private Image build(BuildSpec.Builder spec, List<BuildEvent> events) {
        return engine.build(spec.build(), events::add);
    }

    /** The output of {@code sh -c script} in a container of {@code image}. */
    private List<String> runIn(ImageReference image, String script) {
        ContainerInfo container = started(ContainerSpec.builder(image.toString()).entrypoint("sh", "-c", script)
                .label(RUN_LABEL, run).pullPolicy(ContainerSpec.PullPolicy.NEVER));
        assertThat(exited(container.id()).exitCode()).as("exit of %s", script).isZero();
        List<String> lines = logTexts(container.id());
        engine.removeContainer(container.id(), true);
        return lines;
    }

    private static String base() {
        return busyboxImage();
    }

    @Test
    void buildsFilesConfigAndLayersAsTheDockerfileSays() throws IOException {
        write("files/a.txt", "alpha\n");
        write("files/b.txt", "beta\n");
        write("data.txt", "data\n");
        write("Dockerfile", """
                ARG BASE=%s
                FROM ${BASE}
                ARG GREETING=hello
                ENV APP_HOME=/srv/app \\
                    EXTRA="two words"
                LABEL org.example.name="contract" version=1
                COPY files/ ${APP_HOME}/files/
                COPY --chown=1000:1000 data.txt /srv/data/
                RUN echo "$GREETING from $(cat $APP_HOME/files/a.txt)" > $APP_HOME/greeting && rm $APP_HOME/files/b.txt
                EXPOSE 8080 9090/udp
                WORKDIR /srv/app
                USER 1000
                ENTRYPOINT ["cat"]
                CMD ["/srv/app/greeting"]
                """.formatted(base()));
        ImageReference tag = fresh("basic");
        List<BuildEvent> events = new ArrayList<>();

        Image image = build(BuildSpec.builder(dir).tag(tag).buildArg("GREETING", "hi"), events);

        assertThat(image.config().env()).contains("APP_HOME=/srv/app", "EXTRA=two words");
        assertThat(image.config().labels()).containsEntry("org.example.name", "contract").containsEntry("version", "1");
        assertThat(image.config().exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "9090/udp");
        assertThat(image.config().workingDir()).isEqualTo("/srv/app");
        assertThat(image.config().user()).isEqualTo("1000");
        assertThat(image.config().entrypoint()).containsExactly("cat");
        assertThat(image.config().cmd()).containsExactly("/srv/app/greeting");
        int baseLayers = engine.image(ImageReference.parse(base())).orElseThrow().layers().size();
        assertThat(image.layers()).as("layers: the base's, two COPY, one RUN").hasSize(baseLayers + 3);
        assertThat(engine.image(tag)).map(Image::id).contains(image.id());
        assertThat(events).filteredOn(e -> e.kind() == BuildEvent.Kind.STEP).extracting(BuildEvent::text)
                .startsWith("ARG BASE=" + base(), "FROM ${BASE}", "ARG GREETING=hello").hasSize(13);
        assertThat(events).filteredOn(e -> e.kind() == BuildEvent.Kind.STEP).extracting(BuildEvent::steps).containsOnly(13);
        // as dockerd's classic builder prints them: every step but the global ARG ends with its image, the RUN's
        // container is announced and removed, and the last step's image is the one built
        assertThat(events).filteredOn(e -> e.kind() == BuildEvent.Kind.STEP || e.kind() == BuildEvent.Kind.RESULT)
                .extracting(BuildEvent::kind).startsWith(BuildEvent.Kind.STEP, BuildEvent.Kind.STEP, BuildEvent.Kind.RESULT)
                .filteredOn(k -> k == BuildEvent.Kind.RESULT).hasSize(12);
        List<BuildEvent> run = events.stream().filter(e -> e.step() == 8 && e.kind() != BuildEvent.Kind.OUTPUT).toList();
        assertThat(run).extracting(BuildEvent::kind).containsExactly(BuildEvent.Kind.STEP, BuildEvent.Kind.RUNNING,
                BuildEvent.Kind.REMOVED, BuildEvent.Kind.RESULT);
        assertThat(run.get(1).line()).isEqualTo(" ---> Running in " + run.get(2).line().substring("Removing intermediate container ".length()));
        assertThat(events).filteredOn(e -> e.kind() == BuildEvent.Kind.RESULT).last().extracting(BuildEvent::line)
                .isEqualTo(" ---> " + image.id().substring("sha256:".length(), "sha256:".length() + 12));

        assertThat(runIn(tag, "cat greeting; ls files; stat -c '%u:%g %n' /srv/data/data.txt /srv/app/files/a.txt; id -u"))
                .containsExactly("hi from alpha", "a.txt", "1000:1000 /srv/data/data.txt", "0:0 /srv/app/files/a.txt", "1000");
    }

    /**
     * What a RUN leaves belongs to the container's users, not to whoever ran the build: files of root and of uid 1000
     * (the first step), and a directory private to 1000, mode 0700 (the second). Rootless, the host shows the user's
     * own and subordinate ids for these, and such a directory shuts the engine's own user out.
     */
    @Test
    void aRunStepsFilesKeepTheirOwnersAndPrivateDirectories() throws IOException {
        write("Dockerfile", """
                FROM %s
                RUN echo root > /by-root && mkdir /open && touch /open/f && chown -R 1000:1001 /open
                RUN mkdir -p /priv/sub && echo secret > /priv/sub/f && chown -R 1000:1001 /priv && chmod 700 /priv /priv/sub
                """.formatted(base()));
        ImageReference tag = fresh("owners");

        build(BuildSpec.builder(dir).tag(tag), new ArrayList<>());

        assertThat(runIn(tag, "stat -c '%u:%g %a %n' /by-root /open /open/f /priv /priv/sub /priv/sub/f; cat /priv/sub/f"))
                .containsExactly("0:0 644 /by-root", "1000:1001 755 /open", "1000:1001 644 /open/f", "1000:1001 700 /priv",
                        "1000:1001 700 /priv/sub", "1000:1001 644 /priv/sub/f", "secret");
    }

    @Test
    void theCacheReusesUnchangedStepsAndRebuildsFromTheFirstChange() throws IOException {
        write("early.txt", "early 1\n");
        write("late.txt", "late 1\n");
        write("Dockerfile", """
                FROM %s
                ARG V=1
                COPY early.txt /early.txt
                RUN echo "v=$V" > /v && cat /proc/sys/kernel/random/uuid > /stamp
                COPY late.txt /late.txt
                """.formatted(base()));
        ImageReference tag = fresh("cache");
        BuildSpec.Builder spec = BuildSpec.builder(dir).tag(tag);

        String first = stampAfter(spec);
        assertThat(stampAfter(spec)).as("an unchanged rebuild").isEqualTo(first);

        Files.setLastModifiedTime(dir.resolve("early.txt"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        assertThat(stampAfter(spec)).as("a touched file with the same content").isEqualTo(first);

        write("late.txt", "late 2\n");
        assertThat(stampAfter(spec)).as("a file copied after the RUN changed").isEqualTo(first);
        assertThat(runIn(tag, "cat /late.txt")).containsExactly("late 2");

        write("early.txt", "early 2\n");
        String second = stampAfter(spec);
        assertThat(second).as("a file copied before the RUN changed").isNotEqualTo(first);

        String third = stampAfter(BuildSpec.builder(dir).tag(tag).buildArg("V", "2"));
        assertThat(third).as("a build arg the RUN sees changed").isNotEqualTo(second);
        assertThat(runIn(tag, "cat /v")).containsExactly("v=2");
        assertThat(stampAfter(BuildSpec.builder(dir).tag(tag).buildArg("V", "2"))).isEqualTo(third);

        assertThat(stampAfter(BuildSpec.builder(dir).tag(tag).buildArg("V", "2").noCache(true)))
                .as("noCache").isNotEqualTo(third);
    }

    private String stampAfter(BuildSpec.Builder spec) {
        ImageReference tag = spec.build().tags().get(0);
        build(spec, new ArrayList<>());
        return runIn(tag, "cat /stamp").get(0);
    }

    @Test
    void maintainerIsTheImagesAuthor() throws IOException {
        write("Dockerfile", "FROM %s\nMAINTAINER Contract Tester <contract@example.org>\n".formatted(base()));
        ImageReference tag = fresh("maintainer");

        Image image = build(BuildSpec.builder(dir).tag(tag), new ArrayList<>());

        assertThat(image.author()).isEqualTo("Contract Tester <contract@example.org>");
        assertThat(engine.image(tag).orElseThrow().author()).isEqualTo("Contract Tester <contract@example.org>");
    }

    @Test
    void targetStopsAtItsStage() throws IOException {
        write("Dockerfile", """
                FROM %1$s AS base
                RUN echo base > /base
                FROM base AS builder
                RUN echo built > /artifact
                FROM %1$s AS final
                COPY --from=builder /artifact /copied/artifact
                COPY --from=0 /base /copied/
                FROM %1$s AS broken
                RUN echo the stages after the target must not be built && exit 1
                """.formatted(base()));
        ImageReference finalTag = fresh("final");
        ImageReference builderTag = fresh("builder");

        build(BuildSpec.builder(dir).tag(finalTag).target("final"), new ArrayList<>());
        build(BuildSpec.builder(dir).tag(builderTag).target("builder"), new ArrayList<>());

        assertThat(runIn(finalTag, "cat /copied/artifact /copied/base; ls /base 2>&1 || true"))
                .containsExactly("built", "base", "ls: /base: No such file or directory");
        assertThat(runIn(builderTag, "cat /base /artifact")).containsExactly("base", "built");
        assertThatThrownBy(() -> engine.build(BuildSpec.builder(dir).target("nosuch").build(), e -> { }))
                .isInstanceOf(dev.stevedore.engine.ContainerEngineException.class).hasMessageContaining("nosuch");
    }

    @Test
    void dockerignoreKeepsFilesOutOfTheContext() throws IOException {
        write("keep.md", "k\n");
        write("other.md", "o\n");
        write("secret.txt", "s\n");
        write("src/app.txt", "a\n");
        write("src/debug.log", "d\n");
        write("src/deep/x.log", "x\n");
        write(".dockerignore", "# comments are ignored\nsecret.txt\n**/*.log\n*.md\n!keep.md\n");
        write("Dockerfile", "FROM %s\nCOPY . /ctx/\n".formatted(base()));
        ImageReference tag = fresh("ignore");

        build(BuildSpec.builder(dir).tag(tag), new ArrayList<>());

        assertThat(runIn(tag, "cd /ctx && find . -type f | sort"))
                .containsExactly("./.dockerignore", "./Dockerfile", "./keep.md", "./src/app.txt");
    }

    @Test
    void onbuildTriggersRunOnceInTheImageBuiltFromTheOneThatDeclaresThem() throws IOException {
        write("Dockerfile", "FROM %s\nONBUILD COPY app.txt /app/\nONBUILD RUN echo triggered >> /app/log\n".formatted(base()));
        ImageReference parent = fresh("onbuild-parent");
        build(BuildSpec.builder(dir).tag(parent), new ArrayList<>());
        write("app.txt", "the child's file\n");
        write("Dockerfile", "FROM %s\nRUN echo child >> /app/log\n".formatted(parent));
        ImageReference child = fresh("onbuild-child");
        build(BuildSpec.builder(dir).tag(child), new ArrayList<>());
        Files.delete(dir.resolve("app.txt"));
        write("Dockerfile", "FROM %s\nRUN echo grandchild >> /app/log\n".formatted(child));
        ImageReference grandchild = fresh("onbuild-grandchild");

        // the grandchild's context has no app.txt: it builds only if the child did not keep the triggers
        build(BuildSpec.builder(dir).tag(grandchild), new ArrayList<>());

        assertThat(runIn(parent, "ls /app 2>&1 || true")).containsExactly("ls: /app: No such file or directory");
        assertThat(runIn(child, "cat /app/app.txt /app/log")).containsExactly("the child's file", "triggered", "child");
        assertThat(runIn(grandchild, "cat /app/log")).containsExactly("triggered", "child", "grandchild");
    }

    @Test
    void theBuildsNetworkAndExtraHostsAreTheRunStepsOwn() throws IOException {
        write("Dockerfile", """
                FROM %s
                RUN sed 1,2d /proc/net/dev | cut -d: -f1 | tr -d ' ' > /interfaces && grep -w db /etc/hosts > /db-line
                """.formatted(base()));
        ImageReference none = fresh("network-none");
        ImageReference bridged = fresh("network-default");

        build(BuildSpec.builder(dir).tag(none).networkMode("none").extraHost("db:10.1.2.3"), new ArrayList<>());
        build(BuildSpec.builder(dir).tag(bridged).noCache(true).extraHost("db:10.4.5.6"), new ArrayList<>());

        assertThat(runIn(none, "cat /interfaces")).as("a RUN step's interfaces in a build with network none")
                .containsExactly("lo");
        assertThat(runIn(bridged, "cat /interfaces")).as("a RUN step's interfaces in a build on the default network")
                .contains("lo").hasSize(2);
        assertThat(runIn(none, "cat /db-line")).singleElement().asString().matches("10\\.1\\.2\\.3\\s+db");
        assertThat(runIn(bridged, "cat /db-line")).singleElement().asString().matches("10\\.4\\.5\\.6\\s+db");
        assertThatThrownBy(() -> BuildSpec.builder(dir).networkMode("bridge").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default, none, host");
    }

    @Test
    void aFailingRunReportsItsExitCodeAndOutputAndTagsNothing() throws IOException {
        write("Dockerfile", "FROM %s\nRUN echo about to fail && exit 3\n".formatted(base()));
        ImageReference tag = fresh("failing");

        assertThatThrownBy(() -> engine.build(BuildSpec.builder(dir).tag(tag).build(), e -> { }))
                .isInstanceOfSatisfying(BuildException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("about to fail").contains("3");
                });
        assertThat(engine.image(tag)).isEmpty();
    }

    @Test
    void theBuildCacheIsPrunedWithDockersOptions() throws IOException {
        write("Dockerfile", "FROM %s\nRUN echo %s > /made\n".formatted(base(), UUID.randomUUID()));
        engine.build(BuildSpec.builder(dir).tag(fresh("prune")).build(), e -> { });

        // every option reaches the engine (dockerd answers 400 to one it cannot read); nothing is a century old
        BuildCachePruned pruned = engine.pruneBuildCache(new BuildCachePrune(true, Duration.ofDays(36_500), 1L << 30));

        assertThat(pruned.deleted()).isEmpty();
        assertThat(pruned.spaceReclaimed()).isZero();
    }

    @Test
    void aMissingSourceIsRefusedByName() throws IOException {
        write("Dockerfile", "FROM %s\nCOPY no-such-file.txt /x\n".formatted(base()));

        assertThatThrownBy(() -> engine.build(BuildSpec.builder(dir).tag(fresh("missing")).build(), e -> { }))
                .isInstanceOf(BuildException.class).hasMessageContaining("no-such-file.txt");
    }

    @Test
    void aBuiltImagePushedToTheRegistryIsPulledBackAndRunByDockerd() throws IOException {
        write("hello.txt", "pushed and pulled\n");
        write("Dockerfile", "FROM %s\nCOPY hello.txt /\nRUN echo ran >> /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n".formatted(base()));
        ImageReference pushed = ImageReference.parse(Testbed.get().plainRegistry() + "/contract-build-"
                + UUID.randomUUID().toString().substring(0, 8) + "/hello:1");
        made.add(pushed);

        build(BuildSpec.builder(dir).tag(pushed), new ArrayList<>());
        engine.push(pushed.toString());

        DockerCli.run(TestbedDocker.socket(), "pull", "-q", pushed.toString());
        List<String> output = DockerCli.run(TestbedDocker.socket(), "run", "--rm", pushed.toString());
        DockerCli.run(TestbedDocker.socket(), "rmi", pushed.toString());
        assertThat(output).as("dockerd's run of the pulled image (its warnings on stderr come first)")
                .endsWith("pushed and pulled", "ran");
    }

    /** The engine the contract runs on; the Docker backend's answers are checked against its daemon. */
    protected ContainerEngine engine() {
        return engine;
    }
}
