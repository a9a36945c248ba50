package dev.stevedore.engine.internal.runtime.seccomp;

import dev.stevedore.engine.Capability;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompProfile.Action;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompProfile.Arg;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompProfile.Filter;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompProfile.Rule;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a {@link SeccompProfile} for one container into classic BPF, as libseccomp would, in Java.
 *
 * <p>Why not libseccomp in the launcher: the profile is parsed here anyway (Docker's JSON), the program
 * depends only on the profile, the capabilities and the host, so it is compiled once per JVM and cached
 * (libseccomp compiles on every start, which was most of crun's user time); the launcher's part shrinks
 * to one {@code seccomp(2)} call that the rootful and rootless paths share; and the launcher stays a
 * static binary without a build dependency. The price is the syscall tables (generated from the kernel's
 * headers, {@link SyscallTable}) and the care below.
 *
 * <p>The program: a call from another architecture (i386, arm32 or x32 on a 64-bit host) gets ENOSYS, as no
 * table for it exists here; a call number is found by a binary search over runs of numbers that end alike (a
 * constant path per number, which the kernel's seccomp action cache can precompute); a call with argument rules
 * jumps to its block, where
 * each rule is tried in the profile's order and the first whose comparisons all hold decides; otherwise
 * the call's unconditional rule, else the default action. Comparisons are on all 64 bits, as libseccomp
 * makes them. As runc does, arguments with the same index in one entry are alternatives (one rule each);
 * different indexes must all hold.
 */
public final class SeccompCompiler {

    /** The flags a profile may name, with their {@code SECCOMP_FILTER_FLAG_*} values. */
    static final Map<String, Integer> FLAGS = Map.of(
            "SECCOMP_FILTER_FLAG_TSYNC", 1, "SECCOMP_FILTER_FLAG_LOG", 2, "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4);

    private static final int BPF_MAXINSNS = 4096;
    private static final int ENOSYS = 38;

    private SeccompCompiler() {
    }

    /**
     * The filter for a process with {@code capabilities} (bounding set) on {@code table}'s architecture under
     * kernel {@code kernel} ({@code os.version}, e.g. {@code 6.1.0-18-amd64}).
     *
     * @throws IllegalArgumentException when the profile needs more than the kernel's 4096 instructions
     */
    public static SeccompFilter compile(SeccompProfile profile, Set<Capability> capabilities, SyscallTable table, String kernel,
                                        String describe) {
        Set<String> caps = new HashSet<>();
        capabilities.forEach(c -> caps.add("CAP_" + c.name()));
        int[] version = kernelVersion(kernel);
        Map<Integer, Group> groups = new TreeMap<>();
        for (Rule rule : profile.syscalls()) {
            if (!applies(rule, caps, table, version)) {
                continue;
            }
            for (String name : rule.names()) {
                OptionalInt nr = table.number(name);
                if (nr.isEmpty()) {
                    continue; // as libseccomp: a call this architecture lacks is left out
                }
                Group group = groups.computeIfAbsent(nr.getAsInt(), n -> new Group());
                if (rule.args().isEmpty()) {
                    if (group.fallback == null) {
                        group.fallback = rule.action();
                    }
                } else {
                    for (List<Arg> conjunction : conjunctions(rule.args())) {
                        group.conditional.add(new Conditional(conjunction, rule.action()));
                    }
                }
            }
        }
        Action defaultAction = profile.defaultAction();
        List<Map.Entry<Integer, Group>> decided = new ArrayList<>();
        for (Map.Entry<Integer, Group> entry : groups.entrySet()) {
            Group g = entry.getValue();
            if (g.fallback == null) {
                g.fallback = defaultAction;
            }
            if (!g.conditional.isEmpty() || !g.fallback.equals(defaultAction)) {
                decided.add(entry);
            }
        }
        int flags = 0;
        for (String flag : profile.flags()) {
            flags |= FLAGS.get(flag);
        }
        return new SeccompFilter(HexFormat.of().formatHex(assemble(table, decided, defaultAction)), flags, describe);
    }

    /** The kernel's major and minor version from {@code os.version}; 0.0 when unreadable. */
    static int[] kernelVersion(String kernel) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(kernel == null ? "" : kernel);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
    }

    private static boolean applies(Rule rule, Set<String> caps, SyscallTable table, int[] kernel) {
        Filter in = rule.includes();
        Filter ex = rule.excludes();
        boolean included = caps.containsAll(in.caps())
                && (in.arches().isEmpty() || in.arches().contains(table.dockerName()))
                && (in.minKernel() == null || atLeast(kernel, in.minKernel()));
        boolean excluded = ex.caps().stream().anyMatch(caps::contains)
                || ex.arches().contains(table.dockerName())
                || (ex.minKernel() != null && atLeast(kernel, ex.minKernel()));
        return included && !excluded;
    }

    private static boolean atLeast(int[] kernel, String minimum) {
        int[] min = kernelVersion(minimum);
        return kernel[0] > min[0] || (kernel[0] == min[0] && kernel[1] >= min[1]);
    }

    /** One rule of all the arguments, or (when an index repeats) one rule per argument, as runc splits them. */
    private static List<List<Arg>> conjunctions(List<Arg> args) {
        Set<Integer> indexes = new HashSet<>();
        boolean repeated = false;
        for (Arg arg : args) {
            repeated |= !indexes.add(arg.index());
        }
        return repeated ? args.stream().map(List::of).toList() : List.of(args);
    }

    private static final class Group {
        final List<Conditional> conditional = new ArrayList<>();
        Action fallback;
    }

    private record Conditional(List<Arg> args, Action action) {
    }

    // ---- the program ------------------------------------------------------------------------------

    private static byte[] assemble(SyscallTable table, List<Map.Entry<Integer, Group>> decided, Action defaultAction) {
        Asm asm = new Asm();
        int foreign = new Action(SeccompProfile.Kind.ERRNO, ENOSYS).ret();
        asm.load(4); // seccomp_data.arch
        asm.jump(Asm.JEQ, table.auditArch(), asm.skip(1), Asm.NEXT);
        asm.ret(foreign);
        asm.load(0); // seccomp_data.nr
        if (table.foreignFrom() >= 0) {
            asm.jump(Asm.JGE, (int) table.foreignFrom(), Asm.NEXT, asm.skip(1));
            asm.ret(foreign);
        }
        List<Interval> intervals = intervals(decided, defaultAction);
        Map<Interval, Integer> blocks = new LinkedHashMap<>();
        search(asm, intervals, 0, intervals.size(), blocks);
        for (Map.Entry<Interval, Integer> block : blocks.entrySet()) {
            asm.bind(block.getValue());
            block(asm, block.getKey().group());
        }
        if (asm.size() > BPF_MAXINSNS) {
            throw new IllegalArgumentException("the seccomp profile compiles to " + asm.size()
                    + " BPF instructions, more than the kernel's " + BPF_MAXINSNS + "; give it fewer argument rules");
        }
        return asm.bytes();
    }

    /**
     * A run of call numbers [from, to] that end alike: with {@code ret} (consecutive calls with the same
     * unconditional action, and the gaps between listed calls with the default's), or in {@code group}'s argument
     * rules (one call). The allow-list is dense, so runs make the program a fraction of one test per call, which
     * is what the kernel's load of the filter costs.
     */
    private record Interval(long from, long to, int ret, Group group) {
    }

    private static List<Interval> intervals(List<Map.Entry<Integer, Group>> decided, Action defaultAction) {
        List<Interval> out = new ArrayList<>();
        long next = 0;
        for (Map.Entry<Integer, Group> entry : decided) {
            long nr = entry.getKey() & 0xffffffffL;
            Group g = entry.getValue();
            if (nr > next) {
                append(out, new Interval(next, nr - 1, defaultAction.ret(), null));
            }
            append(out, g.conditional.isEmpty() ? new Interval(nr, nr, g.fallback.ret(), null) : new Interval(nr, nr, 0, g));
            next = nr + 1;
        }
        append(out, new Interval(next, 0xffffffffL, defaultAction.ret(), null));
        return out;
    }

    private static void append(List<Interval> out, Interval interval) {
        Interval last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last.group() == null && interval.group() == null && last.ret() == interval.ret()) {
            out.set(out.size() - 1, new Interval(last.from(), interval.to(), last.ret(), null));
        } else {
            out.add(interval);
        }
    }

    /** A binary search over the runs [from, to): each leaf returns, or jumps to its call's argument rules. */
    private static void search(Asm asm, List<Interval> runs, int from, int to, Map<Interval, Integer> blocks) {
        if (to - from == 1) {
            Interval run = runs.get(from);
            if (run.group() == null) {
                asm.ret(run.ret());
            } else {
                int block = asm.label();
                blocks.put(run, block);
                asm.jumpAlways(block);
            }
            return;
        }
        int mid = (from + to) >>> 1;
        int right = asm.label();
        asm.jump(Asm.JGE, (int) runs.get(mid).from(), Asm.NEXT, asm.skip(1));
        asm.jumpAlways(right);
        search(asm, runs, from, mid, blocks);
        asm.bind(right);
        search(asm, runs, mid, to, blocks);
    }

    /** The argument rules of one call, in order, then its unconditional action. */
    private static void block(Asm asm, Group group) {
        for (Conditional rule : group.conditional) {
            int fail = asm.label();
            for (Arg arg : rule.args()) {
                compare(asm, arg, fail);
            }
            asm.ret(rule.action().ret());
            asm.bind(fail);
        }
        asm.ret(group.fallback.ret());
    }

    /** Falls through when the 64-bit comparison holds, jumps to fail otherwise. */
    private static void compare(Asm asm, Arg arg, int fail) {
        int lowOffset = 16 + 8 * arg.index();
        int highOffset = lowOffset + 4;
        int pass = asm.label();
        long v = arg.value();
        int hi = (int) (v >>> 32);
        int lo = (int) v;
        switch (arg.op()) {
            case EQ -> {
                asm.load(highOffset);
                asm.jump(Asm.JEQ, hi, Asm.NEXT, fail);
                asm.load(lowOffset);
                asm.jump(Asm.JEQ, lo, Asm.NEXT, fail);
            }
            case NE -> {
                asm.load(highOffset);
                asm.jump(Asm.JEQ, hi, Asm.NEXT, pass);
                asm.load(lowOffset);
                asm.jump(Asm.JEQ, lo, fail, Asm.NEXT);
            }
            case MASKED_EQ -> {
                long want = arg.valueTwo();
                asm.load(highOffset);
                asm.and(hi);
                asm.jump(Asm.JEQ, (int) (want >>> 32), Asm.NEXT, fail);
                asm.load(lowOffset);
                asm.and(lo);
                asm.jump(Asm.JEQ, (int) want, Asm.NEXT, fail);
            }
            case GT, GE -> {
                asm.load(highOffset);
                asm.jump(Asm.JGT, hi, pass, Asm.NEXT);
                asm.jump(Asm.JEQ, hi, Asm.NEXT, fail);
                asm.load(lowOffset);
                asm.jump(arg.op() == SeccompProfile.Op.GT ? Asm.JGT : Asm.JGE, lo, Asm.NEXT, fail);
            }
            case LT, LE -> {
                asm.load(highOffset);
                asm.jump(Asm.JGE, hi, Asm.NEXT, pass);
                asm.jump(Asm.JEQ, hi, Asm.NEXT, fail);
                asm.load(lowOffset);
                asm.jump(arg.op() == SeccompProfile.Op.LT ? Asm.JGE : Asm.JGT, lo, fail, Asm.NEXT);
            }
        }
        asm.bind(pass);
    }

    /** A classic-BPF assembler with forward labels; conditional jumps reach 255 instructions, {@code ja} any. */
    private static final class Asm {
        static final int NEXT = -1;
        static final int JEQ = 0x15;
        static final int JGT = 0x25;
        static final int JGE = 0x35;
        private static final int LD_ABS = 0x20;
        private static final int AND_K = 0x54;
        private static final int JA = 0x05;
        private static final int RET_K = 0x06;

        private final List<int[]> code = new ArrayList<>(); // {opcode, k, jt label, jf label}
        private final List<Integer> labels = new ArrayList<>();

        int label() {
            labels.add(-1);
            return labels.size() - 1;
        }

        /** A label n instructions past the next one (bound now, as its position is known). */
        int skip(int n) {
            int l = label();
            labels.set(l, code.size() + 1 + n);
            return l;
        }

        void bind(int label) {
            labels.set(label, code.size());
        }

        int size() {
            return code.size();
        }

        void load(int offset) {
            code.add(new int[] {LD_ABS, offset, NEXT, NEXT});
        }

        void and(int k) {
            code.add(new int[] {AND_K, k, NEXT, NEXT});
        }

        void jump(int op, int k, int jt, int jf) {
            code.add(new int[] {op, k, jt, jf});
        }

        void jumpAlways(int label) {
            code.add(new int[] {JA, 0, label, NEXT});
        }

        void ret(int k) {
            code.add(new int[] {RET_K, k, NEXT, NEXT});
        }

        byte[] bytes() {
            ByteBuffer out = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < code.size(); i++) {
                int[] insn = code.get(i);
                int jt = offset(i, insn[2]);
                int jf = offset(i, insn[3]);
                int k = insn[1];
                if (insn[0] == JA) {
                    k = jt;
                    jt = 0;
                } else if (jt > 255 || jf > 255) {
                    throw new IllegalStateException("seccomp compiler: a conditional jump of " + Math.max(jt, jf)
                            + " instructions at " + i + " (the limit is 255)");
                }
                out.putShort((short) insn[0]).put((byte) jt).put((byte) jf).putInt(k);
            }
            return out.array();
        }

        private int offset(int at, int label) {
            if (label == NEXT) {
                return 0;
            }
            int target = labels.get(label);
            if (target <= at) {
                throw new IllegalStateException("seccomp compiler: label " + label + " unbound or behind instruction " + at);
            }
            return target - at - 1;
        }
    }
}
