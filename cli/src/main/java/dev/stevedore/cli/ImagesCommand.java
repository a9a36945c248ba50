package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "table (default) or json (one object per line).")
    String format = "table";

    @Override
    void validate() {
        if (!format.equals("table") && !format.equals("json")) {
            throw usageError("--format must be table or json, not '" + format + "'");
        }
    }

    @Override
    int run(ContainerEngine engine) {
        List<Image> images = new ArrayList<>(engine.images());
        images.sort(Comparator.comparing(Image::created, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Image::id));
        PrintWriter out = out();
        if (quiet) {
            Set<String> ids = new LinkedHashSet<>();
            images.forEach(image -> ids.add(Ids.shortId(image.id())));
            ids.forEach(out::println);
            return 0;
        }
        List<Row> rows = rows(images);
        Instant now = root().clock().instant();
        if (format.equals("json")) {
            for (Row row : rows) {
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put("Repository", row.repository);
                fields.put("Tag", row.tag);
                fields.put("Digest", row.digest);
                fields.put("ID", Ids.shortId(row.image.id()));
                fields.put("CreatedAt", row.image.created() == null ? null : row.image.created().toString());
                fields.put("CreatedSince", Durations.ago(row.image.created(), now));
                fields.put("Size", Sizes.human(row.image.size()));
                fields.put("Platform", String.valueOf(row.image.platform()));
                out.println(Json.object(fields));
            }
            return 0;
        }
        Table table = digests
                ? new Table("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                : new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        for (Row row : rows) {
            String id = Ids.shortId(row.image.id());
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

    private static List<Row> rows(List<Image> images) {
        List<Row> rows = new ArrayList<>();
        for (Image image : images) {
            if (image.references().isEmpty()) {
                rows.add(new Row(NONE, NONE, image.manifestDigest(), image));
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
