package dev.stevedore.serve.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the handler of a request by method and (decoded, unversioned) path. Patterns are anchored regular
 * expressions with named groups for the path's parameters; names match greedily, as moby's {@code {name:.*}}
 * does, so an image name may hold slashes. HEAD falls back to the GET route of the same path.
 */
final class Router {

    /** Answers one kind of request. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pattern), handler));
        return this;
    }

    /** The route for the request with its parameters; a 404 "page not found" as moby gives when there is none. */
    Match find(String method, String path) {
        Match fallback = null;
        for (Route route : routes) {
            Matcher matcher = route.pattern().matcher(path);
            if (!matcher.matches()) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match(route.handler(), matcher);
            }
            if (method.equals("HEAD") && route.method().equals("GET") && fallback == null) {
                fallback = new Match(route.handler(), matcher);
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw ApiException.notFound("page not found");
    }

    /** A route that matched, with the matcher holding the path's parameters. */
    record Match(Handler handler, Matcher parameters) {
    }
}
