package dev.stevedore.serve.internal;

/** The {@code h} and {@code w} of docker's resize calls ({@code /containers/{id}/resize}, {@code /exec/{id}/resize}). */
final class WindowSizes {
    private WindowSizes() {
    }

    /** {rows, columns} from {@code ?h=&w=}; a 400 that names the parameter when one is missing or not a size. */
    static int[] of(HttpRequest request) {
        return new int[] {dimension(request, "h"), dimension(request, "w")};
    }

    private static int dimension(HttpRequest request, String name) {
        String value = request.query(name);
        try {
            int n = Integer.parseInt(value == null ? "" : value.strip());
            if (n >= 1 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiException.badRequest("resize: " + name + " must be a number of " + (name.equals("h") ? "rows" : "columns")
                + " from 1 to 65535, not \"" + value + "\"");
    }
}
