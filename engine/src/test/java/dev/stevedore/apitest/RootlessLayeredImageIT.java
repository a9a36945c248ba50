package dev.stevedore.apitest;

/**
 * {@link ContainerLayeredImageIT} as an ordinary user on the rootless engine: the test bed's layered image (whiteouts,
 * opaque directories, hard links, setuid, files of uid 1000) unpacked into the user's namespace must merge into
 * exactly the same tree as rootful.
 */
class RootlessLayeredImageIT extends ContainerLayeredImageIT {
}
