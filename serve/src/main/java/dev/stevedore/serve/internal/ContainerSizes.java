package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.DiskUsage;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A container's {@code SizeRw} and {@code SizeRootFs} where dockerd puts them: in {@code GET /system/df}, in
 * {@code GET /containers/json?size=1} ({@code docker ps -s}) and in {@code GET /containers/{id}/json?size=1}
 * ({@code docker inspect -s}). All three take the engine's one measure, {@link ContainerEngine#diskUsage()}.
 */
final class ContainerSizes {
    private ContainerSizes() {
    }

    /** Every container's sizes, by id. */
    static Map<String, DiskUsage.ContainerUsage> measure(ContainerEngine engine) {
        Map<String, DiskUsage.ContainerUsage> sizes = new HashMap<>();
        engine.diskUsage().containers().forEach(usage -> sizes.put(usage.container().id(), usage));
        return sizes;
    }

    /** A list entry with the sizes after {@code Ports}; dockerd leaves a size of 0 out there (omitempty). */
    static ObjectNode summary(ObjectNode summary, DiskUsage.ContainerUsage usage) {
        if (usage == null) {
            return summary; // removed since the list was read
        }
        ObjectNode sizes = Json.object();
        if (usage.sizeRw() != 0) {
            sizes.put("SizeRw", usage.sizeRw());
        }
        if (usage.sizeRootFs() != 0) {
            sizes.put("SizeRootFs", usage.sizeRootFs());
        }
        return insertAfter(summary, "Ports", sizes);
    }

    /** An inspect document with both sizes after {@code GraphDriver}, 0 included, as dockerd answers {@code size=1}. */
    static ObjectNode inspect(ObjectNode document, DiskUsage.ContainerUsage usage) {
        ObjectNode sizes = Json.object();
        sizes.put("SizeRw", usage == null ? 0 : usage.sizeRw());
        sizes.put("SizeRootFs", usage == null ? 0 : usage.sizeRootFs());
        return insertAfter(document, "GraphDriver", sizes);
    }

    /** Clients read fields by name, but a reader of the raw JSON (and the parity tests) sees dockerd's order. */
    private static ObjectNode insertAfter(ObjectNode document, String field, ObjectNode fields) {
        ObjectNode ordered = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = document.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ordered.set(e.getKey(), e.getValue());
            if (e.getKey().equals(field)) {
                ordered.setAll(fields);
            }
        }
        if (!document.has(field)) {
            ordered.setAll(fields);
        }
        return ordered;
    }
}
