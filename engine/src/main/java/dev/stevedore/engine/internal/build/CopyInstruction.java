package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A COPY or ADD: its sources resolved (context paths and globs, here-documents, another stage or image with
 * {@code --from}, URLs for ADD), its cache key computed from their content, and its layer written when the cache
 * misses.
 */
final class CopyInstruction {
    private final BuildRun build;
    private final Instruction instruction;
    private final ShellLex lex;
    private final boolean add;
    private final String step;

    CopyInstruction(BuildRun build, Instruction instruction, ShellLex lex) {
        this.build = build;
        this.instruction = instruction;
        this.lex = lex;
        this.add = instruction.keyword().equals("ADD");
        this.step = instruction.keyword() + " " + instruction.args();
    }

    void execute(BuildRun.StageRun run) throws IOException {
        Map<String, String> flags = instruction.flagMap();
        for (String unsupported : List.of("parents", "exclude", "checksum", "keep-git-dir")) {
            if (flags.containsKey(unsupported)) {
                throw error("--" + unsupported + " is not supported by this builder");
            }
        }
        List<String> words = instruction.isJson() ? instruction.json().stream().map(lex::word).toList() : lex.words(instruction.args());
        if (words.size() < 2) {
            throw error(instruction.keyword() + " requires at least two arguments: a source and a destination");
        }
        List<String> sources = words.subList(0, words.size() - 1);
        String destination = words.get(words.size() - 1);
        String workdir = run.state.text("WorkingDir");
        String dest = IgnoreMatcher.clean(destination.startsWith("/") ? destination
                : (workdir.isEmpty() ? "/" : workdir) + "/" + destination);
        if (!dest.startsWith("/")) {
            dest = "/" + dest;
        }
        boolean destIsDirectory = destination.endsWith("/") || destination.equals(".") || sources.size() > 1;
        String chown = flags.containsKey("chown") ? lex.word(flags.get("chown")) : null;
        Integer chmod = null;
        if (flags.containsKey("chmod")) {
            String mode = lex.word(flags.get("chmod"));
            if (!mode.matches("[0-7]{3,4}")) {
                throw error("--chmod takes an octal mode such as 0755, not " + mode);
            }
            chmod = Integer.parseInt(mode, 8);
        }
        String from = flags.containsKey("from") ? lex.word(flags.get("from")) : null;
        boolean intoDirectory = destIsDirectory;

        StringBuilder key = new StringBuilder();
        String history;
        String finalDest = dest;
        Integer finalChmod = chmod;
        if (from != null) {
            ImageReference source = fromReference(from, run);
            key.append("from ").append(source).append(' ').append(build.builder().index.get(source).orElse(null));
            history = instruction.keyword() + " --from=" + from + " " + String.join(" ", sources) + " " + dest;
            build.step(run, history + " chown=" + chown + " chmod=" + chmod, key.toString(), state -> {
                LayerWriter layer = build.newLayer();
                RootView root = build.rootView(state);
                CopyStep copy = new CopyStep(layer, root, chown == null ? null : root.owner(chown, step), finalChmod, build.now());
                for (String path : sources) {
                    if (path.matches(".*[*?\\[].*")) {
                        layer.close();
                        throw error("COPY --from with a wildcard (" + path + ") is not supported by this builder: name the path");
                    }
                    build.copyFrom(source, path, tar -> copy.archive(tar, finalDest, true, intoDirectory));
                }
                return layer;
            }, history);
            return;
        }

        List<Object> resolved = new ArrayList<>();
        for (String source : sources) {
            Instruction.Heredoc heredoc = heredoc(source);
            if (heredoc != null) {
                String content = heredoc.expand() ? expand(heredoc.content()) : heredoc.content();
                resolved.add(new Document(source.replaceFirst("^<<-?", "").replaceAll("[\"']", ""), content));
                key.append("heredoc ").append(heredoc.name()).append(' ')
                        .append(HexFormat.of().formatHex(dev.stevedore.engine.internal.store.Digest.sha256()
                                .digest(content.getBytes(StandardCharsets.UTF_8)))).append('\n');
            } else if (add && (source.startsWith("http://") || source.startsWith("https://"))) {
                resolved.add(URI.create(source));
                key.append("url ").append(source).append('\n'); // fetched again only when the step is rebuilt
            } else {
                List<BuildContext.Source> matched = build.context().resolve(source, step);
                resolved.addAll(matched);
                key.append("context ").append(source).append(' ').append(build.context().hash(matched)).append('\n');
                if (matched.size() > 1) {
                    destIsDirectory = true;
                }
            }
        }
        boolean intoDir = destIsDirectory;
        history = instruction.keyword() + " " + String.join(" ", sources) + " " + dest;
        build.step(run, history + " chown=" + chown + " chmod=" + chmod, key.toString(), state -> {
            LayerWriter layer = build.newLayer();
            boolean ok = false;
            try {
                RootView root = build.rootView(state);
                CopyStep copy = new CopyStep(layer, root, chown == null ? null : root.owner(chown, step), finalChmod, build.now());
                if (intoDir) {
                    copy.parents(finalDest + "/x");
                }
                for (Object source : resolved) {
                    if (source instanceof Document document) {
                        copy.bytes(intoDir ? finalDest + "/" + document.name() : finalDest,
                                document.content().getBytes(StandardCharsets.UTF_8));
                    } else if (source instanceof URI uri) {
                        download(copy, uri, intoDir ? finalDest + "/" + fileName(uri) : finalDest);
                    } else {
                        BuildContext.Source file = (BuildContext.Source) source;
                        // a directory's contents, and an archive ADD unpacks, go into the destination itself
                        boolean directory = build.context().isDirectory(file) || add && CopyStep.isArchive(file.file());
                        String target = directory || !intoDir ? finalDest
                                : finalDest + "/" + Path.of(file.path()).getFileName();
                        copy.context(build.context(), file, target, add);
                    }
                }
                ok = true;
                return layer;
            } finally {
                if (!ok) {
                    layer.close();
                }
            }
        }, history);
    }

    private record Document(String name, String content) {
    }

    private ImageReference fromReference(String from, BuildRun.StageRun current) throws IOException {
        BuildRun.StageRun stage = build.stage(from);
        if (stage != null) {
            return stage.reference;
        }
        ImageReference reference = ImageReference.parse(from);
        if (build.builder().engine.image(reference).isEmpty()) {
            build.output("pulling " + reference.familiar());
            build.builder().engine.pull(reference, dev.stevedore.engine.PullOptions.defaults());
        }
        return reference;
    }

    private Instruction.Heredoc heredoc(String source) {
        if (!source.startsWith("<<")) {
            return null;
        }
        String name = source.replaceFirst("^<<-?", "").replaceAll("[\"']", "");
        return instruction.heredocs().stream().filter(h -> h.name().equals(name)).findFirst().orElse(null);
    }

    /** Variables in an unquoted here-document, as the shell would substitute them. */
    private String expand(String text) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int dollar = text.indexOf('$', i);
            if (dollar < 0) {
                out.append(text, i, text.length());
                break;
            }
            out.append(text, i, dollar);
            int end = dollar + 1;
            if (end < text.length() && text.charAt(end) == '{') {
                end = text.indexOf('}', end) + 1;
                if (end == 0) {
                    end = text.length();
                }
            } else {
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
            }
            out.append(end == dollar + 1 ? "$" : lex.word(text.substring(dollar, end)));
            i = end;
        }
        return out.toString();
    }

    private void download(CopyStep copy, URI uri, String target) throws IOException {
        Path temp = Files.createTempFile(build.builder().stateDirectory.resolve("tmp"), "add-", ".download");
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<Path> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(temp));
            if (response.statusCode() / 100 != 2) {
                throw error("fetching " + uri + " failed: HTTP " + response.statusCode());
            }
            Instant mtime = response.headers().firstValue("Last-Modified")
                    .map(v -> ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).orElse(build.now());
            copy.downloaded(temp, target, mtime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException(step + ": interrupted while fetching " + uri, e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String fileName(URI uri) {
        String path = uri.getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? "index.html" : name;
    }

    private DockerfileException error(String problem) {
        return new DockerfileException(build.file(), instruction.line(), instruction.original(), problem);
    }
}
