package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerPathStat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore cp}: files between a container and the host, or a tar stream ({@code -}) on stdin or stdout, with
 * docker's path rules: a destination that is a directory receives the source under its own name, one that does not
 * exist becomes the source (renamed), {@code SRC/.} copies a directory's contents, a destination ending in {@code /}
 * must be a directory. The host side is {@link HostTar}'s.
 */
@Command(name = "cp", description = "Copy files between a container and the host.",
        customSynopsis = {"stevedore cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-",
            "       stevedore cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH"})
final class CpCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    // docker's tar carries the host files' owners either way; -a asks its daemon to map them through a user namespace
    // remapping, which neither engine has, so the files come out the same with or without it (as CpCommandIT sees)
    @Option(names = {"-a", "--archive"}, description = "Accepted for docker's scripts: the files' owners (uid and gid) are kept either way.")
    boolean archive;

    @Option(names = {"-L", "--follow-link"}, description = "Copy what SRC_PATH links to when it is a symbolic link.")
    boolean followLink;

    @Option(names = {"-q", "--quiet"}, description = "Accepted for docker's scripts: nothing is printed anyway.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "SRC", description = "CONTAINER:SRC_PATH, a host path, or - (a tar on stdin).")
    String source;

    @Parameters(index = "1", paramLabel = "DEST", description = "CONTAINER:DEST_PATH, a host path, or - (a tar on stdout).")
    String destination;

    @Override
    void validate() {
        boolean fromContainer = inContainer(source);
        boolean toContainer = inContainer(destination);
        if (fromContainer == toContainer) {
            throw usageError(fromContainer ? "copying between containers is not supported"
                    : "one of SRC and DEST must be CONTAINER:PATH");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        try {
            if (inContainer(source)) {
                copyOut(engine, container(source), path(source));
            } else {
                copyIn(engine, container(destination), path(destination));
            }
            return 0;
        } catch (IOException e) {
            throw new ContainerEngineException("cp " + source + " " + destination + " failed: " + e.getMessage(), e);
        }
    }

    private void copyOut(ContainerEngine engine, String container, String path) throws IOException {
        boolean contents = path.endsWith("/.");
        String asked = contents ? path.substring(0, path.length() - 2) : path;
        if (asked.isEmpty()) {
            asked = "/";
        }
        engine.inspectContainer(container);
        if (destination.equals("-")) {
            try (InputStream tar = engine.copyFromContainer(container, asked)) {
                tar.transferTo(System.out);
            }
            System.out.flush();
            return;
        }
        if (followLink) {
            // -L: the link's target, under the link's name, as docker resolves it
            Optional<ContainerPathStat> link = engine.statContainerPath(container, asked);
            if (link.isPresent() && link.get().isSymbolicLink()) {
                asked = absolute(asked, link.get().linkTarget());
            }
        }
        Path dest = Path.of(destination);
        boolean destIsDir = Files.isDirectory(dest);
        if (!Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && destination.endsWith("/")) {
            throw new ContainerEngineException("no such directory: " + destination);
        }
        String name = Path.of(path(source).replaceAll("/+\\.?$", "")).getFileName() == null ? "/"
                : Path.of(path(source).replaceAll("/+\\.?$", "")).getFileName().toString();
        // into an existing directory under the source's name; otherwise (or for SRC/.) as the destination itself
        Path root = destIsDir && !contents ? dest.resolve(name) : dest;
        try (InputStream tar = engine.copyFromContainer(container, asked)) {
            HostTar.extract(tar, root);
        }
    }

    private void copyIn(ContainerEngine engine, String container, String path) throws IOException {
        engine.inspectContainer(container);
        if (source.equals("-")) {
            engine.copyToContainer(container, path, root().stdin());
            return;
        }
        Path src = Path.of(source);
        if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
            throw new ContainerEngineException("cp: no such file or directory on the host: " + source);
        }
        boolean contents = source.endsWith("/.");
        Optional<ContainerPathStat> existing = engine.statContainerPath(container, path);
        if (existing.isPresent() && existing.get().isSymbolicLink()) {
            // as docker: a destination that is a link is the place it leads to
            path = absolute(path, existing.get().linkTarget());
            existing = engine.statContainerPath(container, path);
        }
        boolean destIsDir = path.endsWith("/") || path.equals("/") || existing.map(ContainerPathStat::isDirectory).orElse(false);
        String directory = destIsDir ? path : parent(path);
        // an existing directory gets the source under its own name; a new path is the source renamed
        String name = contents ? null : destIsDir ? src.toAbsolutePath().normalize().getFileName().toString()
                : Path.of(path).getFileName().toString();
        if (contents && !destIsDir) {
            directory = path;
        }
        java.io.PipedInputStream pipe = new java.io.PipedInputStream(1 << 16);
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream(pipe);
        String dir = directory;
        java.util.concurrent.atomic.AtomicReference<IOException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                HostTar.write(src, name, followLink, feed);
                feed.close();
            } catch (IOException e) {
                // the pipe stays open: the reader then fails ("write end dead") rather than taking a cut tar as whole
                failed.set(e);
            }
        }, "stevedore-cp-tar");
        writer.setDaemon(true);
        writer.start();
        try (InputStream in = pipe) {
            engine.copyToContainer(container, dir, in);
        } catch (ContainerEngineException e) {
            if (failed.get() == null) {
                throw e;
            }
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    /** A link's target as a path in the container: a relative one is taken from the link's directory. */
    private static String absolute(String link, String target) {
        return target.startsWith("/") ? target : parent(link) + "/" + target;
    }

    private static boolean inContainer(String argument) {
        int colon = argument.indexOf(':');
        // a host path with a colon is written ./a:b, as docker asks
        return colon > 0 && !argument.startsWith("/") && !argument.startsWith(".");
    }

    private static String container(String argument) {
        return argument.substring(0, argument.indexOf(':'));
    }

    private static String path(String argument) {
        String path = argument.substring(argument.indexOf(':') + 1);
        return path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
    }

    private static String parent(String path) {
        int slash = path.replaceAll("/+$", "").lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
