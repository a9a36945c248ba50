package dev.stevedore.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A listing's {@code --format} as docker reads it: {@code table} (the command's own table), {@code json} (each row as
 * one line of JSON), {@code table TEMPLATE} (a header, then each row through the Go template, aligned as docker's
 * tabwriter aligns), or {@code TEMPLATE} (each row through it, one line each); {@code \t} and {@code \n} written in
 * the format stand for a tab and a newline. The rows are maps from docker's field names ({@code .ID}, {@code .Names}) to
 * values, {@link GoTemplate.Method}s for fields that take arguments; a field no row has is an error, as in docker.
 */
final class Listing {
    private final String format;
    private final GoTemplate template;

    private Listing(String format, GoTemplate template) {
        this.format = format;
        this.template = template;
    }

    /**
     * The listing for {@code format}; null or {@code table} mean the command's own table, which {@link #custom()}
     * says.
     *
     * @throws IllegalArgumentException "template parsing error: ..." for a malformed template
     */
    static Listing of(String format) {
        if (format == null || format.isEmpty() || format.equals("table") || format.equals("json")) {
            return new Listing(format == null || format.isEmpty() ? "table" : format, null);
        }
        String body = format.startsWith("table") ? format.substring("table".length()) : format;
        body = body.strip().replace("\\t", "\t").replace("\\n", "\n");
        try {
            return new Listing(format, GoTemplate.parseStrict(body));
        } catch (IllegalArgumentException e) {
            throw new TemplateException("template parsing error: " + e.getMessage());
        }
    }

    /** Whether the rows go through {@link #print} (json or a template) rather than the command's own table. */
    boolean custom() {
        return !format.equals("table");
    }

    /**
     * Prints {@code rows}; {@code headers} names each field's column for {@code table TEMPLATE}, as docker heads it.
     *
     * @throws IllegalArgumentException when the template fails on a row (a field rows do not have)
     */
    void print(PrintWriter out, Map<String, String> headers, List<Map<String, Object>> rows) {
        if (format.equals("json")) {
            rows.forEach(row -> out.println(Json.compact(withoutMethods(row))));
            return;
        }
        StringBuilder text = new StringBuilder();
        boolean table = format.startsWith("table");
        if (table) {
            // every header is a method, so that a field given arguments heads its column too: docker heads
            // {{.Label "com.example.app-name"}} with the key's last part, '-' and '_' as spaces ("app name")
            Map<String, Object> header = new LinkedHashMap<>();
            headers.forEach((key, name) -> header.put(key, (GoTemplate.Method) arguments -> arguments.isEmpty() ? name
                    : String.valueOf(arguments.get(0)).substring(String.valueOf(arguments.get(0)).lastIndexOf('.') + 1)
                            .replace('-', ' ').replace('_', ' ')));
            text.append(GoTemplate.parse(templateText()).apply(header)).append('\n');
        }
        for (Map<String, Object> row : rows) {
            text.append(template.apply(row)).append('\n');
        }
        out.print(table ? TabWriter.align(text.toString()) : text);
    }

    private String templateText() {
        return format.substring("table".length()).strip().replace("\\t", "\t").replace("\\n", "\n");
    }

    private static Object withoutMethods(Map<String, Object> row) {
        if (row instanceof Json.Tagged) {
            return row;
        }
        Map<String, Object> plain = new LinkedHashMap<>(row);
        plain.values().removeIf(value -> value instanceof GoTemplate.Method);
        return plain;
    }
}
