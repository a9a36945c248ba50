package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageHistory;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore history} (and {@code image history}): an image's steps, newest first, in docker's columns
 * (IMAGE CREATED CREATED BY SIZE COMMENT), with docker's {@code --no-trunc}, {@code -q}, {@code -H} and
 * {@code --format} ({@code json}, a template per step, or {@code table TEMPLATE}).
 */
@Command(name = "history", description = "Show the history of an image.")
final class HistoryCommand extends EngineCommand {
    /** docker's column titles for the template fields, for {@code --format "table ..."}. */
    private static final Map<String, String> HEADERS = Map.of("ID", "IMAGE", "CreatedSince", "CREATED",
            "CreatedAt", "CREATED AT", "CreatedBy", "CREATED BY", "Size", "SIZE", "Comment", "COMMENT");
    private static final String DEFAULT_TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    /** With {@code -H=false} docker's table shows the time itself, under CREATED AT. */
    private static final String NON_HUMAN_TABLE = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    /** docker cuts CREATED BY to this many characters, the last an ellipsis. */
    private static final int CREATED_BY_WIDTH = 45;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    @Mixin
    HelpOption help;

    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs.")
    boolean quiet;

    @Option(names = "--no-trunc", description = "Don't truncate output.")
    boolean noTrunc;

    @Option(names = {"-H", "--human"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Print sizes and dates in human readable format (default true); -H=false for bytes and RFC 3339.")
    boolean human = true;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "json, a Go template per step ({{.ID}} {{.CreatedSince}} {{.CreatedAt}} {{.CreatedBy}} "
                    + "{{.Size}} {{.Comment}}), or 'table TEMPLATE' for columns with headers.")
    String format;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image reference, ID or unique ID prefix.")
    String image;

    private Listing listing;

    @Override
    void validate() {
        // as docker's: -q and -H choose among docker's own tables; a format of the user's own overrides them
        boolean own = format == null || format.isEmpty() || format.equals("table");
        listing = listing(!own ? format : quiet ? "{{.ID}}" : human ? DEFAULT_TABLE : NON_HUMAN_TABLE);
    }

    @Override
    int run(ContainerEngine engine) {
        Optional<Image> found = ImageCommand.Inspect.find(engine, image);
        if (found.isEmpty()) {
            err().println("Error: No such image: " + image);
            err().flush();
            return 1;
        }
        // an image without a name (dangling, or named here by its id) is asked for by its id, as docker history ID
        List<ImageHistory> steps = found.get().references().isEmpty() ? engine.historyById(found.get().id())
                : engine.history(found.get().references().get(0));
        Instant now = root().clock().instant();
        listing.print(out(), HEADERS, steps.stream().map(step -> fields(step, now)).toList());
        return 0;
    }

    private Map<String, Object> fields(ImageHistory step, Instant now) {
        // in the order Go's json writes docker's fields: by name
        Map<String, Object> fields = new LinkedHashMap<>();
        // an unknown time is 0 on the wire: docker prints the epoch as the time and N/A for how long ago
        boolean unknown = step.created() == null || step.created().equals(Instant.EPOCH);
        String createdAt = rfc3339(unknown ? Instant.EPOCH : step.created());
        String createdBy = step.createdBy().replace('\t', ' ');
        fields.put("Comment", step.comment());
        fields.put("CreatedAt", createdAt);
        fields.put("CreatedBy", noTrunc ? createdBy : ellipsis(createdBy));
        fields.put("CreatedSince", !human ? createdAt : unknown ? "N/A" : Durations.ago(step.created(), now));
        fields.put("ID", step.id() == null ? "<missing>" : noTrunc ? step.id() : Ids.shortId(step.id()));
        fields.put("Size", human ? Sizes.human(step.size()) : Long.toString(step.size()));
        return fields;
    }

    /** Go's {@code time.RFC3339} in the local zone, as docker prints {@code CreatedAt}. */
    private static String rfc3339(Instant time) {
        return OffsetDateTime.ofInstant(time.truncatedTo(ChronoUnit.SECONDS), ZoneId.systemDefault())
                .format(RFC3339);
    }

    /** docker's {@code formatter.Ellipsis}: longer than the width, it keeps width - 1 characters and adds "…". */
    static String ellipsis(String text) {
        if (text.codePointCount(0, text.length()) <= CREATED_BY_WIDTH) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, CREATED_BY_WIDTH - 1)) + "…";
    }
}
