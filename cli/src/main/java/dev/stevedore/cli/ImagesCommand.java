package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stevedore images}: the local images, one row per reference, newest first. */
@Command(name = "images", description = "List the images in the local store.")
final class ImagesCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    private static final String NONE = "<none>";

    @Option(names = {"-q", "--quiet"}, description = "Print only image IDs, each once.")
    boolean quiet;

    @Option(names = "--digests", description = "Show the manifest digest of each image.")
    boolean digests;

    @Option(names = {"-a", "--all"},
            description = "Accepted for docker's scripts: the store keeps no intermediate images (dangling ones are listed anyway).")
    boolean all;

    @Option(names = "--no-trunc", description = "Do not shorten image IDs.")
    boolean noTrunc;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
            description = "Only matching images: reference=PATTERN (* and ? as docker's), dangling=true|false, label=KEY[=VALUE].")
    List<String> filters = new ArrayList<>();

    @Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]", description = "Only this repository (and tag).")
    String repository;

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json (one object per line), "
            + "'table TEMPLATE' or a Go TEMPLATE per image, e.g. '{{.Repository}}:{{.Tag}}' (fields: .ID .Repository "
            + ".Tag .Digest .CreatedSince .CreatedAt .Size .VirtualSize .SharedSize .UniqueSize .Containers).")
    String format = "table";

    /** Docker's headers of the fields a template may use. */
    static final Map<String, String> HEADERS = PsCommand.headers("Containers", "CONTAINERS", "CreatedAt", "CREATED AT",
            "CreatedSince", "CREATED", "Digest", "DIGEST", "ID", "IMAGE ID", "Repository", "REPOSITORY",
            "SharedSize", "SHARED SIZE", "Size", "SIZE", "Tag", "TAG", "UniqueSize", "UNIQUE SIZE", "VirtualSize", "SIZE");

    private Listing listing;
    private java.util.function.Predicate<Row> matches = row -> true;

    @Override
    void validate() {
        listing = listing(format);
        if (repository != null) {
            matches = matches.and(referencePattern(repository));
        }
        for (String filter : filters) {
            int equals = filter.indexOf('=');
            if (equals <= 0 || equals == filter.length() - 1) {
                throw usageError("--filter '" + filter + "' is not KEY=VALUE");
            }
            String value = filter.substring(equals + 1);
            matches = matches.and(switch (filter.substring(0, equals)) {
                case "reference" -> referencePattern(value);
                case "dangling" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw usageError("--filter dangling='" + value + "' is not true or false");
                    }
                    yield row -> row.image.dangling() == value.equals("true");
                }
                case "label" -> {
                    int inner = value.indexOf('=');
                    yield row -> inner < 0 ? row.image.config().labels().containsKey(value)
                            : value.substring(inner + 1).equals(row.image.config().labels().get(value.substring(0, inner)));
                }
                default -> throw usageError("--filter '" + filter.substring(0, equals)
                        + "' is not supported: use reference, dangling or label");
            });
        }
    }

    /**
     * docker's reference filter: the pattern against {@code REPOSITORY:TAG} and {@code REPOSITORY} as docker prints
     * them, {@code *} and {@code ?} not crossing a {@code /} (Go's path.Match).
     */
    private static java.util.function.Predicate<Row> referencePattern(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        java.util.regex.Pattern compiled = java.util.regex.Pattern.compile(regex.toString());
        return row -> compiled.matcher(row.repository).matches()
                || compiled.matcher(row.repository + ":" + row.tag).matches();
    }

    @Override
    int run(ContainerEngine engine) {
        List<Image> images = new ArrayList<>(engine.images());
        images.sort(Image.NEWEST_FIRST);
        PrintWriter out = out();
        List<Row> rows = rows(images).stream().filter(matches).toList();
        if (quiet) {
            Set<String> ids = new LinkedHashSet<>();
            rows.forEach(row -> ids.add(id(row.image)));
            ids.forEach(out::println);
            return 0;
        }
        Instant now = root().clock().instant();
        if (listing.custom()) {
            List<Map<String, Object>> documents = new ArrayList<>();
            for (Row row : rows) {
                // docker's ImageContext, its fields in the order its json prints them
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("Containers", "N/A");
                fields.put("CreatedAt", Durations.goTime(row.image.created()));
                fields.put("CreatedSince", Durations.ago(row.image.created(), now));
                fields.put("Digest", row.digest);
                fields.put("ID", id(row.image));
                fields.put("Repository", row.repository);
                fields.put("SharedSize", "N/A");
                fields.put("Size", Sizes.human(row.image.size()));
                fields.put("Tag", row.tag);
                fields.put("UniqueSize", "N/A");
                fields.put("VirtualSize", Sizes.human(row.image.size()));
                documents.add(fields);
            }
            listing.print(out, HEADERS, documents);
            return 0;
        }
        Table table = digests
                ? new Table("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                : new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        for (Row row : rows) {
            String id = id(row.image);
            String created = Durations.ago(row.image.created(), now);
            String size = Sizes.human(row.image.size());
            if (digests) {
                table.row(row.repository, row.tag, row.digest, id, created, size);
            } else {
                table.row(row.repository, row.tag, id, created, size);
            }
        }
        table.print(out);
        return 0;
    }

    private String id(Image image) {
        return noTrunc ? image.id() : Ids.shortId(image.id());
    }

    private static List<Row> rows(List<Image> images) {
        List<Row> rows = new ArrayList<>();
        for (Image image : images) {
            if (image.references().isEmpty()) {
                rows.add(new Row(NONE, NONE, NONE, image)); // dangling: no repository holds it, so no digest either
            }
            for (ImageReference reference : image.references()) {
                rows.add(new Row(familiarName(reference), reference.tag() == null ? NONE : reference.tag(),
                        reference.digest() != null ? reference.digest() : image.manifestDigest(), image));
            }
        }
        return rows;
    }

    /** {@code postgres} for {@code docker.io/library/postgres:15}: the familiar form without tag or digest. */
    static String familiarName(ImageReference reference) {
        String familiar = new ImageReference(reference.registry(), reference.repository(), "x", null).familiar();
        return familiar.substring(0, familiar.length() - ":x".length());
    }

    private record Row(String repository, String tag, String digest, Image image) {
        Row {
            digest = digest == null ? NONE : digest;
        }
    }
}
