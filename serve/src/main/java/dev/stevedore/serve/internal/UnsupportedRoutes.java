package dev.stevedore.serve.internal;

/**
 * Endpoints of the Docker API the engine has nothing behind, answered with 501 and a sentence that says so,
 * rather than moby's bare "page not found" for a route it does not know: a client prints the daemon's
 * message, and this one tells the user what is missing.
 */
final class UnsupportedRoutes {
    private static final String ID = "[^/]+";

    void register(Router router) {
        unsupported(router, "POST", "/build", "building images (docker build)");
        unsupported(router, "POST", "/commit", "committing containers to images (docker commit)");
        unsupported(router, "GET", "/images/search", "searching registries (docker search)");
        unsupported(router, "GET", "/images/.+/history", "image history (docker history)");
        unsupported(router, "POST", "/auth", "logging in through the daemon (docker login); put credentials in"
                + " ~/.docker/config.json, which the engine reads");
        unsupported(router, "POST", "/containers/" + ID + "/pause", "pausing containers");
        unsupported(router, "POST", "/containers/" + ID + "/unpause", "pausing containers");
        unsupported(router, "POST", "/containers/" + ID + "/rename", "renaming containers");
        unsupported(router, "POST", "/containers/" + ID + "/update", "changing the limits of a container");
        unsupported(router, "GET", "/containers/" + ID + "/export", "exporting containers");
        unsupported(router, "GET", "/containers/" + ID + "/stats", "container statistics (docker stats)");
        unsupported(router, "GET", "/containers/" + ID + "/changes", "container file system changes (docker diff)");
        unsupported(router, "GET", "/system/df", "disk usage (docker system df)");
        unsupported(router, "GET", "/swarm", "swarm mode");
        unsupported(router, "POST", "/swarm/.*", "swarm mode");
        unsupported(router, "GET", "/(services|nodes|tasks|secrets|configs|plugins)", "swarm services and plugins");
    }

    private static void unsupported(Router router, String method, String pattern, String what) {
        router.add(method, pattern, x -> {
            throw new ApiException(501, what + " is not supported by stevedore serve");
        });
    }
}
