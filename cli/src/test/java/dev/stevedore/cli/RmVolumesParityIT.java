package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Anonymous volumes ({@code -v /data}) kept and removed as dockerd keeps and removes them: the same commands with the
 * packaged CLI on the embedded engine and the docker CLI on the test bed's dockerd, each volume followed by the name
 * inspect gives it (the dockerd is shared: its volume counts move with other tests).
 */
class RmVolumesParityIT extends SideBySide {
    /** One of the two command lines. */
    private interface Cli {
        String run(String... args) throws Exception;
    }

    @Test
    void rmKeepsAnonymousVolumesRmVRemovesThemAndVolumesFromKeepsThemInUse() throws Exception {
        List<String> stevedore = observe(args -> stevedore(args).out().strip());
        List<String> docker = observe(this::docker);

        assertThat(stevedore).isEqualTo(docker).containsExactly("64-hex", "rm: listed", "rm -v: gone",
                "rm -v of the first: listed", "shared", "rm -v of the last: gone");
    }

    @Test
    void runRmLeavesNoAnonymousVolumeAndPruneTakesTheDanglingOnes() throws Exception {
        String before = stevedore("volume", "ls", "-q").out().strip();
        stevedore("run", "--rm", "-v", "/data", busybox, "true");
        assertThat(stevedore("volume", "ls", "-q").out().strip()).as("run --rm -v /data").isEqualTo(before);

        String id = lastLine(stevedore("create", "-v", "/data", busybox, "true").out());
        String name = volumeAt(args -> stevedore(args).out().strip(), id);
        stevedore("rm", id);
        assertThat(stevedore("volume", "ls", "-q", "-f", "dangling=true").out()).contains(name);
        stevedore("volume", "prune", "-f");
        assertThat(stevedore("volume", "ls", "-q").out()).doesNotContain(name);
    }

    private List<String> observe(Cli cli) throws Exception {
        List<String> seen = new ArrayList<>();
        String first = "anon-src-" + UUID.randomUUID().toString().substring(0, 8);
        String kept = lastLine(cli.run("create", "-v", "/data", busybox, "true"));
        String name = volumeAt(cli, kept);
        seen.add(name.matches("[0-9a-f]{64}") ? "64-hex" : name);
        cli.run("rm", kept);
        seen.add("rm: " + listed(cli, name));
        cli.run("volume", "rm", name);

        String removed = lastLine(cli.run("create", "-v", "/data", busybox, "true"));
        String removedName = volumeAt(cli, removed);
        cli.run("rm", "-v", removed);
        seen.add("rm -v: " + listed(cli, removedName));

        String reader = null;
        try {
            cli.run("create", "--name", first, "-v", "/data", busybox, "sh", "-c", "echo shared > /data/f");
            cli.run("start", "-a", first);
            String shared = volumeAt(cli, first);
            reader = lastLine(cli.run("create", "--volumes-from", first, busybox, "cat", "/data/f"));
            cli.run("rm", "-v", first);
            seen.add("rm -v of the first: " + listed(cli, shared));
            seen.add(cli.run("start", "-a", reader));
            cli.run("rm", "-v", reader);
            reader = null;
            seen.add("rm -v of the last: " + listed(cli, shared));
        } finally {
            removeBoth(first);
            if (reader != null) {
                cli.run("rm", "-f", "-v", reader);
            }
        }
        return seen;
    }

    private static String volumeAt(Cli cli, String container) throws Exception {
        String name = cli.run("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", container);
        assertThat(name).as("the anonymous volume of " + container).isNotEmpty();
        return name;
    }

    private static String listed(Cli cli, String volume) throws Exception {
        return cli.run("volume", "ls", "-q").lines().anyMatch(volume::equals) ? "listed" : "gone";
    }

    private static String lastLine(String out) {
        List<String> lines = out.strip().lines().toList();
        return lines.get(lines.size() - 1).strip();
    }
}
