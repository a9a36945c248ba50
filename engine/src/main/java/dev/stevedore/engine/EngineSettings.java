package dev.stevedore.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where the engine keeps its state and how it reaches registries. {@link #fromEnvironment()} reads the
 * settings a user sets in the shell or as system properties; tests build their own.
 *
 * @param stateDirectory      the state directory ({@code STEVEDORE_HOME})
 * @param registryMirrors     registries to try, in order, for {@code docker.io} images before Docker Hub
 *                            ({@code STEVEDORE_REGISTRY_MIRROR}, comma separated, {@code host[:port]})
 * @param insecureRegistries  registries that may be reached over plain HTTP besides loopback ones
 *                            ({@code STEVEDORE_INSECURE_REGISTRIES}, comma separated)
 * @param dockerConfigDirectory where {@code config.json} with registry credentials lives ({@code DOCKER_CONFIG},
 *                            else {@code ~/.docker})
 * @param certificateDirectories directories laid out as Docker's {@code certs.d}: {@code DIR/host:port/ca.crt}
 *                            is trusted for that registry ({@code STEVEDORE_CERTS_D} first, then
 *                            {@code /etc/docker/certs.d} and {@code /etc/containers/certs.d}; for an ordinary user
 *                            {@code $XDG_CONFIG_HOME/docker/certs.d} before those, as rootless Docker reads it,
 *                            and Podman's {@code $XDG_CONFIG_HOME/containers/certs.d} and {@code ~/.docker/certs.d}
 *                            after them)
 * @param platform            the platform to pull when an image offers several ({@code STEVEDORE_PLATFORM},
 *                            else the host's)
 */
public record EngineSettings(
        Path stateDirectory,
        List<String> registryMirrors,
        Set<String> insecureRegistries,
        Path dockerConfigDirectory,
        List<Path> certificateDirectories,
        Platform platform) {

    public EngineSettings {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        registryMirrors = List.copyOf(registryMirrors);
        insecureRegistries = Set.copyOf(insecureRegistries);
        Objects.requireNonNull(dockerConfigDirectory, "dockerConfigDirectory");
        certificateDirectories = List.copyOf(certificateDirectories);
        Objects.requireNonNull(platform, "platform");
    }

    /** Settings from environment variables, overridden by system properties of the same name in lower case with dots. */
    public static EngineSettings fromEnvironment() {
        return from(EngineSettings::lookup);
    }

    /**
     * Settings from a lookup of variable names ({@code STEVEDORE_HOME}, ...), for callers that keep
     * configuration elsewhere. Unset names fall back to the defaults described on the components.
     */
    public static EngineSettings from(Function<String, String> variables) {
        String home = variables.apply("STEVEDORE_HOME");
        Path state = home != null && !home.isBlank() ? Path.of(home) : defaultStateDirectory(variables);
        String dockerConfig = variables.apply("DOCKER_CONFIG");
        Path dockerConfigDir = dockerConfig != null && !dockerConfig.isBlank()
                ? Path.of(dockerConfig) : Path.of(System.getProperty("user.home"), ".docker");
        List<Path> certs = new ArrayList<>();
        String certsD = variables.apply("STEVEDORE_CERTS_D");
        if (certsD != null && !certsD.isBlank()) {
            Arrays.stream(certsD.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).forEach(certs::add);
        }
        certs.addAll(defaultCertificateDirectories(variables, dockerConfigDir));
        String platform = variables.apply("STEVEDORE_PLATFORM");
        return new EngineSettings(state,
                list(variables.apply("STEVEDORE_REGISTRY_MIRROR")),
                Set.copyOf(list(variables.apply("STEVEDORE_INSECURE_REGISTRIES"))),
                dockerConfigDir,
                certs,
                platform != null && !platform.isBlank() ? Platform.parse(platform) : Platform.host());
    }

    public EngineSettings withStateDirectory(Path directory) {
        return new EngineSettings(directory, registryMirrors, insecureRegistries, dockerConfigDirectory, certificateDirectories, platform);
    }

    public EngineSettings withRegistryMirrors(List<String> mirrors) {
        return new EngineSettings(stateDirectory, mirrors, insecureRegistries, dockerConfigDirectory, certificateDirectories, platform);
    }

    public EngineSettings withInsecureRegistries(Set<String> registries) {
        return new EngineSettings(stateDirectory, registryMirrors, registries, dockerConfigDirectory, certificateDirectories, platform);
    }

    public EngineSettings withDockerConfigDirectory(Path directory) {
        return new EngineSettings(stateDirectory, registryMirrors, insecureRegistries, directory, certificateDirectories, platform);
    }

    public EngineSettings withCertificateDirectories(List<Path> directories) {
        return new EngineSettings(stateDirectory, registryMirrors, insecureRegistries, dockerConfigDirectory, directories, platform);
    }

    public EngineSettings withPlatform(Platform newPlatform) {
        return new EngineSettings(stateDirectory, registryMirrors, insecureRegistries, dockerConfigDirectory, certificateDirectories, newPlatform);
    }

    /**
     * Where this user's engines keep machine-lifetime files such as {@code stevedore serve}'s socket:
     * {@code /run/stevedore} as root, else {@code $XDG_RUNTIME_DIR/stevedore}, else a private {@code 0700}
     * directory {@code /tmp/stevedore-<uid>}. Not created here (see {@link #createRuntimeDirectory()}).
     */
    public static Path runtimeDirectory() {
        long uid = processUid();
        if (uid == 0) {
            return Path.of("/run/stevedore");
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && java.nio.file.Files.isDirectory(Path.of(xdg)) && java.nio.file.Files.isWritable(Path.of(xdg))) {
            return Path.of(xdg, "stevedore");
        }
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "stevedore-" + uid);
    }

    /**
     * {@link #runtimeDirectory()}, created when missing; for an ordinary user it must be the user's own, mode 0700.
     *
     * @throws java.io.UncheckedIOException when it cannot be made, or another user's directory is in its place
     */
    public static Path createRuntimeDirectory() {
        Path dir = runtimeDirectory();
        try {
            if (processUid() == 0) {
                return java.nio.file.Files.createDirectories(dir);
            }
            java.util.Set<java.nio.file.attribute.PosixFilePermission> owner =
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
            try {
                java.nio.file.Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(owner));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another user could have planted it first: checked below
            }
            java.nio.file.attribute.PosixFileAttributes attributes = java.nio.file.Files.readAttributes(dir,
                    java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Object uid = java.nio.file.Files.getAttribute(dir, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory() || ((Number) uid).longValue() != processUid() || !attributes.permissions().equals(owner)) {
                throw new java.io.IOException(dir + " is not a private directory of this user (owner uid " + uid + ", mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(attributes.permissions())
                        + "); remove it, or set XDG_RUNTIME_DIR");
            }
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make the runtime directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** This process's user id: the owner of its {@code /proc/self} (a JVM is never setuid). */
    private static long processUid() {
        try {
            return ((Number) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    /**
     * Where Docker and Podman look for registries' CA certificates, the user's own first for an ordinary user (who
     * cannot write {@code /etc}): rootless dockerd's {@code $XDG_CONFIG_HOME/docker/certs.d}, then the system's, then
     * rootless Podman's {@code $XDG_CONFIG_HOME/containers/certs.d} and Docker Desktop's {@code ~/.docker/certs.d}.
     */
    private static List<Path> defaultCertificateDirectories(Function<String, String> variables, Path dockerConfigDir) {
        List<Path> system = List.of(Path.of("/etc/docker/certs.d"), Path.of("/etc/containers/certs.d"));
        if ("root".equals(System.getProperty("user.name"))) {
            return system;
        }
        String xdg = variables.apply("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        List<Path> dirs = new ArrayList<>();
        dirs.add(config.resolve("docker").resolve("certs.d"));
        dirs.addAll(system);
        dirs.add(config.resolve("containers").resolve("certs.d"));
        dirs.add(dockerConfigDir.resolve("certs.d"));
        return dirs;
    }

    private static Path defaultStateDirectory(Function<String, String> variables) {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/stevedore");
        }
        String xdg = variables.apply("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("stevedore");
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.replaceFirst("^[a-zA-Z]+://", "").replaceFirst("/+$", ""))
                .collect(Collectors.toList());
    }

    private static String lookup(String name) {
        String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        if (property != null) {
            return property;
        }
        Map<String, String> env = System.getenv();
        return env.get(name);
    }

    // Written out rather than generated: a record's generated equals and hashCode link through ObjectMethods'
    // bootstrap on first use, spinning method-handle classes that no class-data archive keeps (see the CLI's
    // speed notes in docs/design.md); this type is on every short command's path.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof EngineSettings other
                && Objects.equals(stateDirectory, other.stateDirectory)
                && Objects.equals(registryMirrors, other.registryMirrors)
                && Objects.equals(insecureRegistries, other.insecureRegistries)
                && Objects.equals(dockerConfigDirectory, other.dockerConfigDirectory)
                && Objects.equals(certificateDirectories, other.certificateDirectories)
                && Objects.equals(platform, other.platform);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stateDirectory, registryMirrors, insecureRegistries, dockerConfigDirectory, certificateDirectories, platform);
    }
}
