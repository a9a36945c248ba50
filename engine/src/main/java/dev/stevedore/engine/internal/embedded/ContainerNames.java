package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.store.RandomIds;

/** Docker-like generated names: adjective_noun, with a number when those run out. */
final class ContainerNames {
    private static final String[] ADJECTIVES = {"agile", "bold", "brave", "calm", "clever", "cool", "eager", "fast",
        "gentle", "happy", "keen", "kind", "lucid", "merry", "nimble", "proud", "quiet", "sharp", "steady", "swift",
        "tidy", "vivid", "warm", "wise", "zesty"};
    private static final String[] NOUNS = {"anchor", "barge", "beacon", "buoy", "cargo", "crane", "dock", "ferry",
        "harbor", "hull", "keel", "lighthouse", "mast", "pier", "pilot", "quay", "rudder", "sail", "schooner", "skiff",
        "tug", "wharf", "winch", "yacht", "yard"};

    private ContainerNames() {
    }

    static String generate(boolean withNumber) {
        String name = ADJECTIVES[RandomIds.nextInt(ADJECTIVES.length)] + "_" + NOUNS[RandomIds.nextInt(NOUNS.length)];
        return withNumber ? name + RandomIds.nextInt(1000) : name;
    }
}
