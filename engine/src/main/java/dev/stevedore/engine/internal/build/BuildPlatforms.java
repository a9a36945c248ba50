package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.Platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform a build is for. The embedded builder runs RUN steps natively, so a build, or a {@code FROM
 * --platform}, for another CPU is refused rather than built with the wrong binaries or emulated.
 */
final class BuildPlatforms {
    private BuildPlatforms() {
    }

    /** Refuses a build for {@code wanted} unless it runs natively {@code here}. */
    static void requireNative(Platform wanted, Platform here) {
        if (!runsHere(wanted, here)) {
            throw new BuildException("cannot build for " + foreign(wanted, here), null, -1, List.of());
        }
    }

    /**
     * The platform of a {@code FROM}: its {@code --platform}, with the args BuildKit predefines for FROM lines
     * ({@code BUILDPLATFORM}, {@code TARGETPLATFORM}, their OS, ARCH and VARIANT parts) and the global args
     * substituted; refused unless it is {@code here}.
     */
    static Platform of(Instruction from, Map<String, String> globals, Dockerfile dockerfile, Platform here) {
        String flag = from.flagMap().get("platform");
        if (flag == null || flag.isEmpty()) {
            return here;
        }
        Map<String, String> vars = new HashMap<>(predefinedArgs(here));
        globals.forEach((k, v) -> {
            if (v != null) {
                vars.put(k, v);
            }
        });
        Platform wanted;
        try {
            wanted = Platform.parse(new ShellLex(dockerfile.escape(), vars).word(flag));
        } catch (IllegalArgumentException e) {
            throw new DockerfileException(dockerfile.file(), from.line(), from.original(), e.getMessage());
        }
        if (!runsHere(wanted, here)) {
            throw new DockerfileException(dockerfile.file(), from.line(), from.original(), foreign(wanted, here));
        }
        return here;
    }

    static Map<String, String> predefinedArgs(Platform platform) {
        Map<String, String> args = new HashMap<>();
        for (String prefix : List.of("BUILD", "TARGET")) {
            args.put(prefix + "PLATFORM", platform.toString());
            args.put(prefix + "OS", platform.os());
            args.put(prefix + "ARCH", platform.architecture());
            args.put(prefix + "VARIANT", platform.variant());
        }
        return args;
    }

    /** Whether an image for {@code wanted} runs natively on {@code here} (a variant counts only when both name one). */
    static boolean runsHere(Platform wanted, Platform here) {
        return wanted.os().equals(here.os()) && wanted.architecture().equals(here.architecture())
                && (wanted.variant().isEmpty() || here.variant().isEmpty() || wanted.variant().equals(here.variant()));
    }

    private static String foreign(Platform wanted, Platform here) {
        return "platform " + wanted + ": this builder runs on " + here + " and runs RUN steps natively, emulating no"
                + " other CPU — build on a " + wanted + " machine, or leave the platform out";
    }
}
