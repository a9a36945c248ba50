package dev.stevedore.engine.internal.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ImageHistory;
import dev.stevedore.engine.ImageReference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An image's history as {@code docker history} shows it, from the config's {@code history} array matched to its
 * layers: an entry with {@code empty_layer} made no layer (size 0), every other one takes the next layer, bottom
 * first. As dockerd answers, the newest entry carries the image's id and tags and the others {@code <missing>}
 * (a {@code null} id): the intermediate images of a pulled image are not in the store.
 */
public final class ImageHistoryDocument {
    private static final String WHAT = "the image config's history";

    private ImageHistoryDocument() {
    }

    /**
     * The history, newest first.
     *
     * @param config     the image config blob
     * @param imageId    the image id, given to the newest entry
     * @param tags       the image's references, given to the newest entry
     * @param layerSizes the sizes of the image's layers, bottom first
     * @throws ImageFormatException when the history is malformed
     */
    public static List<ImageHistory> parse(byte[] config, String imageId, List<ImageReference> tags, List<Long> layerSizes) {
        ObjectNode json = ImageJson.object(config, "the image config");
        JsonNode history = json.get("history");
        List<ImageHistory> steps = new ArrayList<>();
        if (history == null || history.isNull() || history.isEmpty()) {
            // no recorded steps (an image written by a tool that keeps none): one anonymous step per layer, as
            // dockerd's containerd image service lists it
            for (long size : layerSizes) {
                steps.add(new ImageHistory(null, null, "", size, "", List.of()));
            }
        } else {
            if (!history.isArray()) {
                throw new ImageFormatException(WHAT + " must be an array");
            }
            int layer = 0;
            for (int i = 0; i < history.size(); i++) {
                JsonNode entry = history.get(i);
                String what = WHAT + "[" + i + "]";
                if (!entry.isObject()) {
                    throw new ImageFormatException(what + " must be an object");
                }
                long size = 0;
                if (!entry.path("empty_layer").asBoolean(false)) {
                    // a config that lists more layer steps than layers is tolerated, as dockerd does: size 0
                    size = layer < layerSizes.size() ? layerSizes.get(layer) : 0;
                    layer++;
                }
                steps.add(new ImageHistory(null, ImageConfigDocument.created(ImageJson.optionalText(entry, "created", what), what),
                        ImageJson.optionalText(entry, "created_by", what), size,
                        ImageJson.optionalText(entry, "comment", what), List.of()));
            }
        }
        Collections.reverse(steps);
        if (!steps.isEmpty()) {
            ImageHistory top = steps.get(0);
            steps.set(0, new ImageHistory(imageId, top.created(), top.createdBy(), top.size(), top.comment(), tags));
        }
        return List.copyOf(steps);
    }
}
