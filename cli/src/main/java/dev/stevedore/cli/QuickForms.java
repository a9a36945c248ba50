package dev.stevedore.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link QuickCommandLine} knows of each everyday command: its options as they are declared on the command's
 * class (a row each: {@code F} a flag, {@code V} a value given once, {@code M} a value that may repeat; then its names,
 * the last being the one the setter knows it by), how each sets its field, and the command's positional arguments.
 * An option left out of a table (help, {@code --detach-keys} with its converter, one added later) is still accepted —
 * by picocli, which reads any command line the table does not cover. QuickCommandLineTest checks each row against
 * picocli's model of the command, so a table cannot drift from the annotations.
 */
final class QuickForms {
    private static final int MANY = Integer.MAX_VALUE;

    private QuickForms() {
    }

    /** How one command's command line is read and set. */
    interface Form {
        /** The option rows, as the class comment says. */
        String[] options();

        /** A new command, its mixins made as picocli makes them. */
        Object command();

        /** Sets the option known as {@code name}; {@code value} is null for a flag. */
        void set(Object command, String name, String value);

        /** Sets the positional argument at {@code index}. */
        void positional(Object command, int index, String value);

        int minPositionals();

        int maxPositionals();

        /** Whether everything after the first positional argument is one too (run's and exec's command). */
        boolean stopsAtPositional();
    }

    /** The form of the command {@code word}, or null for a command this does not read. */
    static Form of(String word) {
        return switch (word) {
            case "run" -> new Run();
            case "ps" -> new Ps();
            case "images" -> new Images();
            case "exec" -> new Exec();
            case "logs" -> new Logs();
            case "stop", "rm", "start" -> new Containers(word);
            case "inspect" -> new Inspect();
            case "version" -> new Version();
            default -> null;
        };
    }

    /** A form's option rows and positional arguments: how many, and whether the first ends the options. */
    private abstract static class Base implements Form {
        private final String[] options;
        private final int minPositionals;
        private final int maxPositionals;
        private final boolean stopsAtPositional;

        Base(String[] options, int minPositionals, int maxPositionals, boolean stopsAtPositional) {
            this.options = options;
            this.minPositionals = minPositionals;
            this.maxPositionals = maxPositionals;
            this.stopsAtPositional = stopsAtPositional;
        }

        @Override
        public String[] options() {
            return options;
        }

        @Override
        public void positional(Object command, int index, String value) {
            throw new IllegalStateException("no positional arguments");
        }

        @Override
        public int minPositionals() {
            return minPositionals;
        }

        @Override
        public int maxPositionals() {
            return maxPositionals;
        }

        @Override
        public boolean stopsAtPositional() {
            return stopsAtPositional;
        }
    }

    /** {@code list} with {@code value} added, a new list when there was none (as picocli makes for a null field). */
    private static List<String> append(List<String> list, String value) {
        List<String> appended = list == null ? new ArrayList<>() : list;
        appended.add(value);
        return appended;
    }

    private static final class Run extends Base {
        Run() {
            super(new String[] {
                "V --health-cmd", "V --health-interval", "V --health-timeout", "V --health-retries",
                "V --health-start-period", "V --health-start-interval", "F --no-healthcheck", "F --rm",
                "F -d --detach", "M -e --env", "M --env-file", "M -v --volume",
                "M --tmpfs", "V --name", "V -w --workdir", "V -u --user",
                "V --entrypoint", "V -h --hostname", "M -l --label", "F --read-only",
                "M --security-opt", "M --cap-add", "M --cap-drop", "M --add-host",
                "M --dns", "M --dns-search", "M --dns-option", "M --ulimit",
                "M --volumes-from", "M --link", "M --device", "V --mac-address",
                "M --group-add", "V --domainname", "M --sysctl", "F --init", "F --privileged",
                "V --restart", "V --log-driver", "M --log-opt", "V --shm-size",
                "V -m --memory", "V --cpus", "V --pids-limit", "V --pid",
                "V --ipc", "V --uts", "V --cgroupns", "V --userns",
                "V --network", "M --network-alias", "V --ip", "M -p --publish",
                "F -P --publish-all", "M --expose", "V --pull", "V --stop-signal",
                "V --stop-timeout", "F -i --interactive", "F -t --tty", "V -c --cpu-shares",
                "V --cpu-period", "V --cpu-quota", "V --cpuset-cpus", "V --cpuset-mems", "V --blkio-weight",
            }, 1, MANY, true);
        }

        @Override
        public Object command() {
            RunCommand c = new RunCommand();
            c.help = new HelpOption.LongHelpOption();
            c.health = new HealthOptions();
            c.cpu = new CpuOptions();
            c.deviceIo = new DeviceIoOptions(); // its options are left to picocli
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            RunCommand c = (RunCommand) command;
            switch (name) {
                case "--health-cmd" -> c.health.command = value;
                case "--health-interval" -> c.health.interval = value;
                case "--health-timeout" -> c.health.timeout = value;
                case "--health-retries" -> c.health.retries = Integer.valueOf(value);
                case "--health-start-period" -> c.health.startPeriod = value;
                case "--health-start-interval" -> c.health.startInterval = value;
                case "--no-healthcheck" -> c.health.none = true;
                case "--rm" -> c.remove = true;
                case "--detach" -> c.detach = true;
                case "--env" -> c.env.add(value);
                case "--env-file" -> c.envFiles.add(Path.of(value));
                case "--volume" -> c.volumes.add(value);
                case "--tmpfs" -> c.tmpfs.add(value);
                case "--name" -> c.name = value;
                case "--workdir" -> c.workingDir = value;
                case "--user" -> c.user = value;
                case "--entrypoint" -> c.entrypoint = value;
                case "--hostname" -> c.hostname = value;
                case "--label" -> c.labels.add(value);
                case "--read-only" -> c.readOnly = true;
                case "--security-opt" -> c.securityOpts.add(value);
                case "--cap-add" -> c.capAdd.add(value);
                case "--cap-drop" -> c.capDrop.add(value);
                case "--add-host" -> c.addHosts.add(value);
                case "--dns" -> c.dns.add(value);
                case "--dns-search" -> c.dnsSearch.add(value);
                case "--dns-option" -> c.dnsOptions.add(value);
                case "--ulimit" -> c.ulimits.add(value);
                case "--volumes-from" -> c.volumesFrom.add(value);
                case "--link" -> c.links.add(value);
                case "--device" -> c.devices.add(value);
                case "--mac-address" -> c.macAddress = value;
                case "--group-add" -> c.groupAdd.add(value);
                case "--domainname" -> c.domainname = value;
                case "--sysctl" -> c.sysctls.add(value);
                case "--init" -> c.init = true;
                case "--privileged" -> c.privileged = true;
                case "--restart" -> c.restart = value;
                case "--log-driver" -> c.logDriver = value;
                case "--log-opt" -> c.logOpts.add(value);
                case "--shm-size" -> c.shmSize = value;
                case "--memory" -> c.memory = value;
                case "--cpus" -> c.cpus = Double.valueOf(value);
                case "--pids-limit" -> c.pidsLimit = Long.valueOf(value);
                case "--pid" -> c.pid = value;
                case "--ipc" -> c.ipc = value;
                case "--uts" -> c.uts = value;
                case "--cgroupns" -> c.cgroupns = value;
                case "--userns" -> c.userns = value;
                case "--network" -> c.network = value;
                case "--network-alias" -> c.networkAliases.add(value);
                case "--ip" -> c.ip = value;
                case "--publish" -> c.publish.add(value);
                case "--publish-all" -> c.publishAll = true;
                case "--expose" -> c.expose.add(value);
                case "--pull" -> c.pull = value;
                case "--stop-signal" -> c.stopSignal = value;
                case "--stop-timeout" -> c.stopTimeout = Integer.valueOf(value);
                case "--interactive" -> c.interactive = true;
                case "--tty" -> c.tty = true;
                case "--cpu-shares" -> c.cpu.cpuShares = Long.valueOf(value);
                case "--cpu-period" -> c.cpu.cpuPeriod = Long.valueOf(value);
                case "--cpu-quota" -> c.cpu.cpuQuota = Long.valueOf(value);
                case "--cpuset-cpus" -> c.cpu.cpusetCpus = value;
                case "--cpuset-mems" -> c.cpu.cpusetMems = value;
                case "--blkio-weight" -> c.cpu.blkioWeight = Integer.valueOf(value);
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public void positional(Object command, int index, String value) {
            RunCommand c = (RunCommand) command;
            if (index == 0) {
                c.image = value;
            } else {
                c.command.add(value);
            }
        }
    }

    private static final class Ps extends Base {
        Ps() {
            super(new String[] {"F -a --all", "F -q --quiet", "F --no-trunc", "M -f --filter", "V --format",
                "V -n --last", "F -l --latest", "F -s --size"}, 0, 0, false);
        }

        @Override
        public Object command() {
            PsCommand c = new PsCommand();
            c.help = new HelpOption();
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            PsCommand c = (PsCommand) command;
            switch (name) {
                case "--all" -> c.all = true;
                case "--quiet" -> c.quiet = true;
                case "--no-trunc" -> c.noTrunc = true;
                case "--filter" -> c.filters.add(value);
                case "--format" -> c.format = value;
                case "--last" -> c.last = Integer.valueOf(value);
                case "--latest" -> c.latest = true;
                case "--size" -> c.size = true;
                default -> throw new IllegalArgumentException(name);
            }
        }
    }

    private static final class Images extends Base {
        Images() {
            super(new String[] {"F -q --quiet", "F --digests", "F -a --all", "F --no-trunc", "M -f --filter",
                "V --format"}, 0, 1, false);
        }

        @Override
        public Object command() {
            ImagesCommand c = new ImagesCommand();
            c.help = new HelpOption();
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            ImagesCommand c = (ImagesCommand) command;
            switch (name) {
                case "--quiet" -> c.quiet = true;
                case "--digests" -> c.digests = true;
                case "--all" -> c.all = true;
                case "--no-trunc" -> c.noTrunc = true;
                case "--filter" -> c.filters.add(value);
                case "--format" -> c.format = value;
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public void positional(Object command, int index, String value) {
            ((ImagesCommand) command).repository = value;
        }
    }

    private static final class Exec extends Base {
        Exec() {
            // the container and at least the command
            super(new String[] {"F -i --interactive", "F -t --tty", "V -u --user", "V -w --workdir", "F --privileged",
                "M -e --env"},
                    2, MANY, true);
        }

        @Override
        public Object command() {
            ExecCommand c = new ExecCommand();
            c.help = new HelpOption();
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            ExecCommand c = (ExecCommand) command;
            switch (name) {
                case "--interactive" -> c.interactive = true;
                case "--tty" -> c.tty = true;
                case "--user" -> c.options.user = value;
                case "--workdir" -> c.options.workingDir = value;
                case "--privileged" -> c.options.privileged = true;
                case "--env" -> c.options.env.add(value);
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public void positional(Object command, int index, String value) {
            ExecCommand c = (ExecCommand) command;
            if (index == 0) {
                c.container = value;
            } else {
                c.command = append(c.command, value);
            }
        }
    }

    private static final class Logs extends Base {
        Logs() {
            super(new String[] {"F -f --follow", "V -n --tail", "V --since", "F -t --timestamps"}, 1, 1, false);
        }

        @Override
        public Object command() {
            LogsCommand c = new LogsCommand();
            c.help = new HelpOption();
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            LogsCommand c = (LogsCommand) command;
            switch (name) {
                case "--follow" -> c.follow = true;
                case "--tail" -> c.tail = value;
                case "--since" -> c.since = value;
                case "--timestamps" -> c.timestamps = true;
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public void positional(Object command, int index, String value) {
            ((LogsCommand) command).container = value;
        }
    }

    /** stop, rm and start: options of their own, then one or more containers. */
    private static final class Containers extends Base {
        private final String word;

        Containers(String word) {
            super(options(word), 1, MANY, false);
            this.word = word;
        }

        private static String[] options(String word) {
            return switch (word) {
                case "stop" -> new String[] {"V -t --time"};
                case "rm" -> new String[] {"F -f --force"};
                default -> new String[0];
            };
        }

        @Override
        public Object command() {
            ContainersCommand c = switch (word) {
                case "stop" -> new StopCommand();
                case "rm" -> new RmCommand();
                default -> new StartCommand();
            };
            c.help = new HelpOption();
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            switch (name) {
                case "--time" -> ((StopCommand) command).seconds = Integer.valueOf(value);
                case "--force" -> ((RmCommand) command).force = true;
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public void positional(Object command, int index, String value) {
            ContainersCommand c = (ContainersCommand) command;
            c.containers = append(c.containers, value);
        }
    }

    private static final class Inspect extends Base {
        Inspect() {
            super(new String[] {"V -f --format"}, 1, MANY, false);
        }

        @Override
        public Object command() {
            InspectCommand c = new InspectCommand();
            c.help = new HelpOption();
            c.format = new InspectFormat();
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            if (!name.equals("--format")) {
                throw new IllegalArgumentException(name);
            }
            ((InspectCommand) command).format.format = value;
        }

        @Override
        public void positional(Object command, int index, String value) {
            InspectCommand c = (InspectCommand) command;
            c.containers = append(c.containers, value);
        }
    }

    private static final class Version extends Base {
        Version() {
            super(new String[0], 0, 0, false);
        }

        @Override
        public Object command() {
            VersionCommand c = new VersionCommand();
            c.help = new HelpOption();
            return c;
        }

        @Override
        public void set(Object command, String name, String value) {
            throw new IllegalArgumentException(name);
        }
    }
}
