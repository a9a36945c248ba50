package dev.stevedore.engine.internal.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a seccomp program as the kernel would for one call, for tests: the classic BPF subset the compiler
 * emits (absolute word loads from {@code seccomp_data}, AND, JA/JEQ/JGT/JGE against constants, RET).
 * Anything else fails the test, so the compiler cannot emit what is not checked here.
 */
final class BpfMachine {
    private BpfMachine() {
    }

    static int run(SeccompFilter filter, int arch, int nr, long... args) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        ByteBuffer code = ByteBuffer.wrap(filter.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int n = filter.instructions();
        int a = 0;
        for (int pc = 0, steps = 0; pc < n; pc++, steps++) {
            int op = code.getShort(pc * 8) & 0xffff;
            int jt = code.get(pc * 8 + 2) & 0xff;
            int jf = code.get(pc * 8 + 3) & 0xff;
            int k = code.getInt(pc * 8 + 4);
            switch (op) {
                case 0x20 -> {
                    if (k < 0 || k > 60 || k % 4 != 0) {
                        throw new AssertionError("load from offset " + k + " at " + pc);
                    }
                    a = data.getInt(k);
                }
                case 0x54 -> a &= k;
                case 0x05 -> pc += k;
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf;
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                case 0x06 -> {
                    return k;
                }
                default -> throw new AssertionError("opcode 0x" + Integer.toHexString(op) + " at " + pc);
            }
        }
        throw new AssertionError("the program ran off its end");
    }
}
