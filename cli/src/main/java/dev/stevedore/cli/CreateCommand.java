package dev.stevedore.cli;

import picocli.CommandLine.Command;

/**
 * {@code stevedore create}: {@code run}'s options, but the container is only created (its image pulled when missing)
 * and its id printed, as {@code docker create} does; {@code stevedore start} starts it. Kept after the command, as
 * {@code run}'s containers are.
 */
@Command(name = "create", description = "Create a container from an image, without starting it.",
        customSynopsis = "stevedore create [OPTIONS] IMAGE [COMMAND] [ARG...]")
final class CreateCommand extends RunCommand {

    @Override
    void validate() {
        // as a detached run: --rm means removed when it exits, once started; with -i its stdin is open for the
        // 'start -ai' that will feed it
        detach = true;
        super.validate();
    }

    @Override
    boolean createOnly() {
        return true;
    }
}
