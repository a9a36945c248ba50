package dev.stevedore.engine.internal.build;

import java.util.List;
import java.util.Map;

/**
 * One instruction of a Dockerfile as the parser found it, before any variable is substituted.
 *
 * @param keyword  the instruction in upper case ({@code RUN}, {@code COPY}, ...)
 * @param flags    the {@code --name=value} flags in the order written (a flag without a value maps to {@code ""})
 * @param args     the text after the keyword and the flags, continuation lines joined
 * @param json     the exec (JSON array) form's elements when the arguments are one, else {@code null}
 * @param heredocs the here-documents the instruction opens, in order
 * @param line     the 1-based line the instruction starts on
 * @param original the instruction's text as written (continuations joined), for messages and history
 */
public record Instruction(String keyword, List<Flag> flags, String args, List<String> json, List<Heredoc> heredocs,
                          int line, String original) {

    public Instruction {
        flags = List.copyOf(flags);
        json = json == null ? null : List.copyOf(json);
        heredocs = List.copyOf(heredocs);
    }

    /** A {@code --name=value} flag. */
    public record Flag(String name, String value) {
    }

    /**
     * A here-document: {@code <<EOF} ... {@code EOF}.
     *
     * @param name    the delimiter word (also the file name for {@code COPY <<name dest})
     * @param content the lines between the opening and the delimiter, each ending in a newline
     * @param expand  whether variables in it are substituted (the delimiter was not quoted)
     * @param chomp   {@code <<-}: leading tabs were removed from each line
     */
    public record Heredoc(String name, String content, boolean expand, boolean chomp) {
    }

    /** Whether the arguments are in the exec (JSON) form. */
    public boolean isJson() {
        return json != null;
    }

    /** The flags as a map, the last one winning (for single-valued flags). */
    public Map<String, String> flagMap() {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        flags.forEach(f -> map.put(f.name(), f.value()));
        return map;
    }

    /** Every value given for a repeatable flag. */
    public List<String> flagValues(String name) {
        return flags.stream().filter(f -> f.name().equals(name)).map(Flag::value).toList();
    }
}
