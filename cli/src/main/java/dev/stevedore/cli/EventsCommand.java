package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stevedore events}: the engine's events as {@code docker events} prints them. With {@code --since}, the events
 * the engine recorded from then are printed first ({@link ContainerEngine#pastEvents}); then those that happen, until
 * {@code --until} or an interrupt. {@code --filter} takes Docker's keys ({@code type}, {@code event}, {@code container},
 * {@code image}, {@code label}, {@code network}, {@code volume}); {@code --format} {@code json} or a Go template run
 * over each event's {@link EventDocument} ({@code {{.Type}} {{.Action}} {{.Actor.Attributes.name}}}, {@code {{json .}}}).
 */
@Command(name = "events", description = "Get real time events from the engine.")
final class EventsCommand extends EngineCommand {
    private static final Set<String> FILTER_KEYS = Set.of("type", "event", "container", "image", "label", "network", "volume");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    @Mixin
    HelpOption help;

    @Option(names = "--since", paramLabel = "WHEN", description = "Show the recorded events since a time (10m, a timestamp).")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Stream events until this time (10m ago, a timestamp).")
    String until;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "Only matching events (type=container, event=die, ...).")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "json, or a template such as '{{.Action}} {{.Actor.Attributes.name}}'.")
    String format;

    /** The json listing, or null. */
    private Listing listing;
    /** The template of a format other than json, read as written, or null. */
    private GoTemplate template;
    private Instant from;
    private Instant to;
    private final Map<String, List<String>> wanted = new LinkedHashMap<>();

    @Override
    void validate() {
        Instant now = root().clock().instant();
        from = since == null ? null : instant("--since", since, now);
        to = until == null ? null : instant("--until", until, now);
        for (String filter : filters) {
            int equals = filter.indexOf('=');
            String key = equals < 0 ? filter : filter.substring(0, equals);
            if (equals < 0 || !FILTER_KEYS.contains(key)) {
                throw usageError("--filter '" + filter + "': use KEY=VALUE with KEY one of " + new java.util.TreeSet<>(FILTER_KEYS));
            }
            wanted.computeIfAbsent(key, k -> new ArrayList<>()).add(filter.substring(equals + 1));
        }
        if (format != null && format.equals("json")) {
            listing = listing(format);
        } else if (format != null) {
            // The docker CLI reads an events format as a Go template and nothing else: no table (`table X` prints
            // "table " before each event), no \t for a tab, no spaces stripped. So does this.
            try {
                template = GoTemplate.parseStrict(format);
            } catch (IllegalArgumentException e) {
                throw usageError("--format: template parsing error: " + e.getMessage());
            }
            try {
                // a field events lack fails now, before the engine is opened, rather than at the first event; the
                // sample looks like a real one so that {{slice .ID 0 12}} and the like run on it
                template.apply(EventDocument.of(new EngineEvent(EngineEvent.Type.CONTAINER, EngineEvent.Action.CREATE,
                        "0".repeat(64), Map.of(EngineEvent.NAME, "sample", EngineEvent.IMAGE, "sample"), now)));
            } catch (IllegalArgumentException e) {
                throw usageError("--format: " + e.getMessage());
            }
        }
    }

    private Instant instant(String option, String text, Instant now) {
        try {
            return Durations.instant(text, now);
        } catch (IllegalArgumentException e) {
            throw usageError(option + " " + e.getMessage());
        }
    }

    @Override
    int run(ContainerEngine engine) {
        LinkedBlockingQueue<EngineEvent> live = new LinkedBlockingQueue<>();
        // subscribed before the record is read: an event in between is in one or both, never in neither
        try (EventSubscription ignored = engine.events(live::add)) {
            Set<EngineEvent> replayed = new HashSet<>();
            if (from != null) {
                for (EngineEvent past : engine.pastEvents(from, to)) {
                    replayed.add(past);
                    print(past);
                }
            }
            while (true) {
                Duration left = to == null ? null : Duration.between(root().clock().instant(), to);
                if (left != null && (left.isNegative() || left.isZero())) {
                    return 0;
                }
                EngineEvent next = left == null ? live.take() : live.poll(left.toNanos(), TimeUnit.NANOSECONDS);
                if (next != null && !replayed.remove(next) && (from == null || !next.time().isBefore(from))) {
                    print(next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void print(EngineEvent event) {
        if (!matches(event)) {
            return;
        }
        if (format == null) {
            Map<String, String> sorted = Filters.usersLabels(event.attributes()); // a container's labels are attributes
            StringBuilder attributes = new StringBuilder();
            sorted.forEach((k, v) -> attributes.append(attributes.length() == 0 ? "" : ", ").append(k).append('=').append(v));
            out().println(TIME.format(event.time().atZone(ZoneId.systemDefault())) + " " + type(event) + " "
                    + event.dockerAction() + " " + event.id() + (attributes.length() == 0 ? "" : " (" + attributes + ")"));
        } else if (listing != null) {
            listing.print(out(), Map.of(), List.of(EventDocument.of(event)));
        } else {
            out().println(template.apply(EventDocument.of(event)));
        }
        out().flush();
    }

    private boolean matches(EngineEvent event) {
        Map<String, String> a = event.attributes();
        return accepts("type", type(event))
                && (accepts("event", event.action().dockerName()) || accepts("event", event.dockerAction()))
                && (!wanted.containsKey("container") || event.type() == EngineEvent.Type.CONTAINER
                        && wanted.get("container").stream().anyMatch(w -> event.id().startsWith(w) || w.equals(a.get(EngineEvent.NAME))))
                && accepts("image", a.getOrDefault(EngineEvent.IMAGE, ""))
                && (!wanted.containsKey("network") || event.type() == EngineEvent.Type.NETWORK
                        && wanted.get("network").stream().anyMatch(w -> event.id().startsWith(w) || w.equals(a.get(EngineEvent.NAME))))
                && (!wanted.containsKey("volume") || event.type() == EngineEvent.Type.VOLUME && wanted.get("volume").contains(event.id()))
                && (!wanted.containsKey("label") || wanted.get("label").stream().allMatch(l -> {
                    int eq = l.indexOf('=');
                    return eq < 0 ? a.containsKey(l) : l.substring(eq + 1).equals(a.get(l.substring(0, eq)));
                }));
    }

    private boolean accepts(String key, String value) {
        return !wanted.containsKey(key) || wanted.get(key).contains(value);
    }

    private static String type(EngineEvent event) {
        return event.type().name().toLowerCase(Locale.ROOT);
    }
}
