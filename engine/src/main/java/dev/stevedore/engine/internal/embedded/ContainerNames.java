package dev.stevedore.engine.internal.embedded;

import java.security.SecureRandom;

/** Docker-like generated names: adjective_noun, with a number when those run out. */
final class ContainerNames {
    private static final String[] ADJECTIVES = {"agile", "bold", "brave", "calm", "clever", "cool", "eager", "fast",
        "gentle", "happy", "keen", "kind", "lucid", "merry", "nimble", "proud", "quiet", "sharp", "steady", "swift",
        "tidy", "vivid", "warm", "wise", "zesty"};
    private static final String[] NOUNS = {"anchor", "barge", "beacon", "buoy", "cargo", "crane", "dock", "ferry",
        "harbor", "hull", "keel", "lighthouse", "mast", "pier", "pilot", "quay", "rudder", "sail", "schooner", "skiff",
        "tug", "wharf", "winch", "yacht", "yard"};
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContainerNames() {
    }

    static String generate(boolean withNumber) {
        String name = ADJECTIVES[RANDOM.nextInt(ADJECTIVES.length)] + "_" + NOUNS[RANDOM.nextInt(NOUNS.length)];
        return withNumber ? name + RANDOM.nextInt(1000) : name;
    }
}
