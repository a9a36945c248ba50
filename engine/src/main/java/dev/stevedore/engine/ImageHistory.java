package dev.stevedore.engine;

import java.time.Instant;
import java.util.List;

/**
 * One step of an image's history, as {@code docker history} lists it: the config's {@code history} entry matched to
 * the layer it made.
 *
 * @param id        the image id for the newest step; {@code null} below it, where Docker prints {@code <missing>}
 * @param created   when the step ran, or {@code null} when the image does not say
 * @param createdBy the command that made the step ({@code /bin/sh -c #(nop)  CMD ["sh"]}), empty when not recorded
 * @param size      the size of the step's layer in bytes, 0 for a step that made no layer
 * @param comment   the step's comment, empty when none
 * @param tags      the references of the image for the newest step, empty below it
 */
public record ImageHistory(String id, Instant created, String createdBy, long size, String comment,
                           List<ImageReference> tags) {

    public ImageHistory {
        createdBy = createdBy == null ? "" : createdBy;
        comment = comment == null ? "" : comment;
        tags = List.copyOf(tags);
    }
}
