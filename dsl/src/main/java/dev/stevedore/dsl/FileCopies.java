package dev.stevedore.dsl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files section of a {@link ContainerConfig}: what is copied into a container before it starts, from a host
 * path, a classpath resource or given content. Sources are read (or found missing) when the option is set, so a
 * mistake becomes one of the definition's problems instead of a failed start.
 */
final class FileCopies {
    private final List<ContainerDefinition.FileCopy> files = new ArrayList<>();
    private final List<String> problems;

    /** A section reporting missing sources into {@code problems}, the config's list. */
    FileCopies(List<String> problems) {
        this.problems = problems;
    }

    void copy(Path hostPath, String containerPath) {
        Path absolute = hostPath.toAbsolutePath();
        if (!Files.exists(absolute)) {
            problems.add("copy source " + absolute + " does not exist");
        } else {
            files.add(new ContainerDefinition.FileCopy(containerPath, absolute, null, 0, absolute.toString()));
        }
    }

    void copyResource(String resource, String containerPath) {
        String cleaned = resource.replaceFirst("^classpath:", "").replaceFirst("^/+", "");
        byte[] content = readResource(cleaned);
        if (content == null) {
            problems.add("classpath resource " + cleaned + " was not found");
        } else {
            files.add(new ContainerDefinition.FileCopy(containerPath, null, content, 0644, "classpath:" + cleaned));
        }
    }

    void file(String containerPath, byte[] content, int mode) {
        files.add(new ContainerDefinition.FileCopy(containerPath, null, content.clone(), mode, "content of " + containerPath));
    }

    /** The files, each checked to go to an absolute path below / that no other file goes to. */
    List<ContainerDefinition.FileCopy> checked(String path) {
        Set<String> targets = new HashSet<>();
        for (ContainerDefinition.FileCopy file : files) {
            if (!file.containerPath().startsWith("/") || file.containerPath().equals("/")) {
                throw new InvalidDefinitionException(path, "copy target \"" + file.containerPath()
                        + "\" (from " + file.origin() + ") must be an absolute path below /");
            }
            if (!targets.add(file.containerPath())) {
                throw new InvalidDefinitionException(path, "two files copied to " + file.containerPath());
            }
        }
        return files;
    }

    private static byte[] readResource(String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ContainerConfig.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading classpath resource " + resource + " failed", e);
        }
    }
}
