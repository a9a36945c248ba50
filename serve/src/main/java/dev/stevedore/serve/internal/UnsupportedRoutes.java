package dev.stevedore.serve.internal;

/**
 * Endpoints of the Docker API the engine has nothing behind, answered with 501 and a sentence that says so,
 * rather than moby's bare "page not found" for a route it does not know: a client prints the daemon's
 * message, and this one tells the user what is missing.
 */
final class UnsupportedRoutes {
    void register(Router router) {
        unsupported(router, "GET", "/images/search", "searching registries (docker search)");
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
