/**
 * A compose file's model as Stevedore reads it ({@link dev.stevedore.dsl.compose.ComposeProject}, its services and
 * networks as records); {@code Stevedore.compose} runs one. Nothing here is null unless marked {@code @Nullable}
 * (JSpecify).
 */
@NullMarked
package dev.stevedore.dsl.compose;

import org.jspecify.annotations.NullMarked;
