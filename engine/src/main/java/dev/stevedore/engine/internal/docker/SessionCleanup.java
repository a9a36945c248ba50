package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Removes what Stevedore created in a Docker daemon, as {@link Labels} designs it: a session's own objects
 * when its engine closes (or the JVM exits), and, when an engine opens, what engines in processes that are
 * gone left behind. Containers go first (forced, with their anonymous volumes), then networks, then
 * volumes, the order in which the daemon lets go of them. An object that vanishes meanwhile, or whose
 * removal is already under way, counts as removed.
 */
final class SessionCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCleanup.class);

    /** What one pass removed and what it could not. */
    record Report(int containers, int networks, int volumes, List<String> failures) {
        Report {
            failures = List.copyOf(failures);
        }

        int removed() {
            return containers + networks + volumes;
        }
    }

    private SessionCleanup() {
    }

    /** Removes everything carrying this session's label. */
    static Report removeSession(DockerApi api, UUID session) {
        return remove(api, Labels.sessionFilter(session), item -> true);
    }

    /**
     * Removes objects whose owner process is gone: on this host, by liveness; on other hosts, when older
     * than {@link Labels#FOREIGN_GRACE_HOURS}.
     */
    static Report sweep(DockerApi api, String thisHost, Instant now) {
        return remove(api, Labels.ownedFilter(), item -> abandoned(item.labels().path(Labels.OWNER).asText(null),
                item.created(), thisHost, now));
    }

    /**
     * Whether an object with this {@value Labels#OWNER} label and creation time was left behind: its owner
     * ran here and is gone, or ran elsewhere and the object is older than the grace period. Objects without
     * a readable owner are kept.
     */
    static boolean abandoned(String ownerLabel, Instant created, String thisHost, Instant now) {
        Optional<Labels.Owner> owner = Labels.Owner.parse(ownerLabel);
        if (owner.isEmpty()) {
            return false;
        }
        if (owner.get().host().equals(thisHost)) {
            return owner.get().isGone(thisHost);
        }
        return created != null && created.isBefore(now.minus(Duration.ofHours(Labels.FOREIGN_GRACE_HOURS)));
    }

    private static Report remove(DockerApi api, String filter, Predicate<Item> chosen) {
        List<String> failures = new ArrayList<>();
        int containers = 0;
        for (Item item : list(api, "/containers/json", filter, failures)) {
            if (chosen.test(item) && delete(api, "/containers/" + item.id(), true, failures)) {
                containers++;
            }
        }
        int networks = 0;
        for (Item item : list(api, "/networks", filter, failures)) {
            if (chosen.test(item) && delete(api, "/networks/" + item.id(), false, failures)) {
                networks++;
            }
        }
        int volumes = 0;
        for (Item item : list(api, "/volumes", filter, failures)) {
            if (chosen.test(item) && delete(api, "/volumes/" + item.id(), false, failures)) {
                volumes++;
            }
        }
        return new Report(containers, networks, volumes, failures);
    }

    /** A container, network or volume as the list calls describe it. */
    private record Item(String id, JsonNode labels, Instant created) {
    }

    private static List<Item> list(DockerApi api, String path, String filter, List<String> failures) {
        List<Item> items = new ArrayList<>();
        JsonNode answer;
        try {
            DockerApi.Call call = api.call("GET", path).query("filters", filter);
            if (path.startsWith("/containers")) {
                call.query("all", "1");
            }
            answer = call.json();
        } catch (RuntimeException e) {
            failures.add("GET " + path + ": " + e.getMessage());
            return items;
        }
        JsonNode array = path.equals("/volumes") && answer != null ? answer.path("Volumes") : answer;
        if (array == null) {
            return items;
        }
        for (JsonNode node : array) {
            String id = path.equals("/volumes") ? node.path("Name").asText() : node.path("Id").asText();
            JsonNode created = node.path(path.equals("/volumes") ? "CreatedAt" : "Created");
            Instant createdAt = created.isNumber() ? Instant.ofEpochSecond(created.asLong()) : ContainerMapper.instant(created.asText(""));
            items.add(new Item(id, node.path("Labels"), createdAt));
        }
        return items;
    }

    private static boolean delete(DockerApi api, String path, boolean container, List<String> failures) {
        try {
            DockerApi.Call call = api.call("DELETE", path);
            if (container) {
                call.query("force", "1").query("v", "1");
            }
            call.discard();
            return true;
        } catch (DockerApiException e) {
            String message = e.daemonMessage().toLowerCase(Locale.ROOT);
            if (e.status() == 404 || message.contains("already in progress")) {
                return true;
            }
            failures.add("DELETE " + path + ": " + e.getMessage());
            LOG.debug("cleanup: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            failures.add("DELETE " + path + ": " + e.getMessage());
            return false;
        }
    }
}
