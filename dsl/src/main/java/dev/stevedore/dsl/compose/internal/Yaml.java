package dev.stevedore.dsl.compose.internal;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Loads YAML as Compose reads it: aliases and merge keys resolved, duplicate keys refused, and every scalar a string
 * (or null). SnakeYAML's YAML 1.1 rules would read {@code 80:80} as a base-60 number and {@code no} as false; Compose
 * follows YAML 1.2, and a string is what interpolation works on anyway, so the keys' readers decide what a value means.
 */
final class Yaml {
    private static final Pattern NULL = Pattern.compile("^(?:~|null|Null|NULL| )$");

    private Yaml() {
    }

    /** The document in {@code text}: maps, lists, strings and nulls. */
    static Object load(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Resolver stringsOnly = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.MERGE, Resolver.MERGE, "<");
                addImplicitResolver(Tag.NULL, NULL, "~nN\\0");
                addImplicitResolver(Tag.NULL, Resolver.EMPTY, null);
            }
        };
        return new org.yaml.snakeyaml.Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
                new DumperOptions(), options, stringsOnly).load(text);
    }
}
