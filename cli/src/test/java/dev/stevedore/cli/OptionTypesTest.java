package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

class OptionTypesTest {
    @Test
    void noOptionOrArgumentOfAnyCommandNeedsAConverterMainLeavesOut() {
        CommandLine tree = Main.commandLine((settings, overrides) -> new InMemoryEngine(), Terminal.plain(),
                Clock.systemUTC());
        List<String> types = new ArrayList<>();
        collect(tree, types);

        assertThat(types).as("the types of every option and argument").hasSizeGreaterThan(200)
                .contains("java.nio.file.Path", "java.lang.String")
                .noneMatch(type -> type.matches(Main.UNUSED_CONVERTERS));
        assertThat("java.time.Duration").matches(Main.UNUSED_CONVERTERS);
        assertThat("java.sql.Timestamp").matches(Main.UNUSED_CONVERTERS);
    }

    private static void collect(CommandLine command, List<String> types) {
        for (ArgSpec arg : command.getCommandSpec().args()) {
            types.add(arg.type().getName());
            for (Class<?> auxiliary : arg.auxiliaryTypes()) {
                types.add(auxiliary.getName());
            }
        }
        command.getSubcommands().values().forEach(sub -> collect(sub, types));
    }
}
