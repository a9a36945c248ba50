package dev.stevedore.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code -f/--format} of docker's inspect commands, as a picocli mixin: without it the documents as one indented
 * JSON array; with it each document through the Go template, a line each ({@code {{.State.Status}}}, {@code {{json
 * .Config}}}, {@code {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}}). A field a document lacks prints
 * {@code <no value>}, as docker's fallback to the raw JSON does.
 */
final class InspectFormat {
    @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE",
            description = "Format each document with a Go template, e.g. '{{.State.Status}}' or '{{json .Config}}'.")
    String format;

    /** The template, parsed now, so that a malformed one fails before the engine opens; null without one. */
    GoTemplate template() {
        if (format == null || format.isEmpty() || format.equals("json")) {
            return null;
        }
        try {
            return GoTemplate.parse(format);
        } catch (IllegalArgumentException e) {
            throw new TemplateException("template parsing error: " + e.getMessage());
        }
    }

    /** Prints {@code documents} as the format says. */
    void print(PrintWriter out, List<?> documents) {
        GoTemplate template = template();
        if (template == null) {
            out.println(Json.pretty(documents));
            return;
        }
        for (Object document : documents) {
            out.println(template.apply(document));
        }
    }
}
