package dev.stevedore.engine.internal.runtime.seccomp;

import dev.stevedore.engine.Capability;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeccompCompilerTest {
    private static final int ALLOW = 0x7fff0000;
    private static final int EPERM = 0x00050001;
    private static final int ENOSYS = 0x00050026;
    private static final SyscallTable X86 = SyscallTable.forArch("amd64").orElseThrow();
    private static final SyscallTable ARM = SyscallTable.forArch("aarch64").orElseThrow();
    private static final long CLONE_NEWUSER = 0x10000000L;
    private static final long SIGCHLD = 17;

    private static SeccompFilter dockerDefault(SyscallTable table, Set<Capability> caps) {
        return SeccompCompiler.compile(SeccompProfile.dockerDefault(), caps, table, "6.1.0-18-amd64", "builtin");
    }

    private static int call(SeccompFilter filter, SyscallTable table, String name, long... args) {
        return BpfMachine.run(filter, table.auditArch(), table.number(name).orElseThrow(), args);
    }

    @Test
    void everyNameOfTheDefaultAllowListIsAllowedOnBothArchitectures() {
        List<String> allowList = SeccompProfile.dockerDefault().syscalls().get(0).names();
        for (SyscallTable table : List.of(X86, ARM)) {
            SeccompFilter filter = dockerDefault(table, Capability.dockerDefaults());
            int known = 0;
            for (String name : allowList) {
                if (table.number(name).isPresent()) {
                    known++;
                    assertThat(call(filter, table, name)).as(table.name() + " " + name).isEqualTo(ALLOW);
                }
            }
            assertThat(known).as(table.name()).isGreaterThan(250);
            assertThat(filter.instructions()).isLessThan(1200);
        }
    }

    @Test
    void defaultProfileRefusesWhatDockerRefusesWithEperm() {
        for (SyscallTable table : List.of(X86, ARM)) {
            SeccompFilter filter = dockerDefault(table, Capability.dockerDefaults());
            for (String name : List.of("keyctl", "add_key", "request_key", "bpf", "perf_event_open", "open_by_handle_at",
                    "unshare", "setns", "mount", "umount2", "pivot_root", "io_uring_setup", "userfaultfd", "kexec_load",
                    "fsopen", "move_mount", "init_module", "reboot", "swapon")) {
                assertThat(call(filter, table, name)).as(table.name() + " " + name).isEqualTo(EPERM);
            }
        }
    }

    @Test
    void capabilitiesAddTheirCalls() {
        Set<Capability> admin = EnumSet.copyOf(Capability.dockerDefaults());
        admin.add(Capability.SYS_ADMIN);
        admin.add(Capability.DAC_READ_SEARCH);
        SeccompFilter filter = dockerDefault(X86, admin);
        assertThat(call(filter, X86, "unshare", CLONE_NEWUSER)).isEqualTo(ALLOW);
        assertThat(call(filter, X86, "mount")).isEqualTo(ALLOW);
        assertThat(call(filter, X86, "open_by_handle_at")).isEqualTo(ALLOW);
        assertThat(call(filter, X86, "clone", CLONE_NEWUSER | SIGCHLD)).isEqualTo(ALLOW);
        assertThat(call(filter, X86, "clone3")).isEqualTo(ALLOW);
        assertThat(call(filter, X86, "keyctl")).isEqualTo(EPERM);
    }

    @Test
    void cloneIsAllowedWithoutNamespaceFlagsOnlyAndClone3FallsBackWithEnosys() {
        for (SyscallTable table : List.of(X86, ARM)) {
            SeccompFilter filter = dockerDefault(table, Capability.dockerDefaults());
            assertThat(call(filter, table, "clone", 0x01200011L)).isEqualTo(ALLOW); // fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
            assertThat(call(filter, table, "clone", CLONE_NEWUSER | SIGCHLD)).isEqualTo(EPERM);
            assertThat(call(filter, table, "clone", 0x20000000L | SIGCHLD)).as("CLONE_NEWPID").isEqualTo(EPERM);
            assertThat(call(filter, table, "clone", 0x02000000L)).as("CLONE_NEWCGROUP").isEqualTo(EPERM);
            assertThat(call(filter, table, "clone", 0xffffffff00000000L | SIGCHLD)).as("only the mask's bits count").isEqualTo(ALLOW);
            assertThat(call(filter, table, "clone3")).isEqualTo(ENOSYS);
        }
    }

    @Test
    void personalityAndSocketArgumentsAreComparedOnAll64Bits() {
        SeccompFilter filter = dockerDefault(X86, Capability.dockerDefaults());
        for (long allowed : new long[] {0, 8, 0x20000, 0x20008, 0xffffffffL}) {
            assertThat(call(filter, X86, "personality", allowed)).as("personality %x", allowed).isEqualTo(ALLOW);
        }
        for (long refused : new long[] {4, 0x0400000, 0x1_0000_0000L, 0x1_0000_0008L}) {
            assertThat(call(filter, X86, "personality", refused)).as("personality %x", refused).isEqualTo(EPERM);
        }
        assertThat(call(filter, X86, "socket", 2, 1, 0)).isEqualTo(ALLOW);
        assertThat(call(filter, X86, "socket", 40, 1, 0)).as("AF_VSOCK").isEqualTo(EPERM);
        assertThat(call(filter, X86, "socket", 0x1_0000_0028L)).as("high half differs").isEqualTo(ALLOW);
    }

    @Test
    void callsOfAnotherAbiGetEnosys() {
        SeccompFilter filter = dockerDefault(X86, Capability.dockerDefaults());
        assertThat(BpfMachine.run(filter, 0x40000003, 20)).as("i386 getpid").isEqualTo(ENOSYS);
        assertThat(BpfMachine.run(filter, X86.auditArch(), 0x40000000 + 39)).as("x32 getpid").isEqualTo(ENOSYS);
        assertThat(BpfMachine.run(filter, X86.auditArch(), 39)).as("getpid").isEqualTo(ALLOW);
        assertThat(BpfMachine.run(filter, X86.auditArch(), 1000)).as("a number no kernel has").isEqualTo(EPERM);
    }

    @Test
    void minKernelLeavesOutRulesForOlderKernels() {
        SeccompFilter old = SeccompCompiler.compile(SeccompProfile.dockerDefault(), Capability.dockerDefaults(), X86,
                "4.4.0-generic", "builtin");
        assertThat(call(old, X86, "ptrace")).isEqualTo(EPERM);
        assertThat(call(dockerDefault(X86, Capability.dockerDefaults()), X86, "ptrace")).isEqualTo(ALLOW);
    }

    @Test
    void customProfileWithEveryOperator() {
        SeccompProfile profile = SeccompProfile.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [
                  {"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                  {"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 4294967296, "op": "SCMP_CMP_GT"}]},
                  {"names": ["write"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 2, "value": 4294967297, "op": "SCMP_CMP_GE"}]},
                  {"names": ["lseek"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 1, "value": 4294967296, "op": "SCMP_CMP_LT"},
                                                                                  {"index": 2, "value": 2, "op": "SCMP_CMP_LE"}]},
                  {"name": "dup3", "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_EQ"},
                                                                      {"index": 0, "value": 5, "op": "SCMP_CMP_EQ"}]}
                 ]}""");
        SeccompFilter f = SeccompCompiler.compile(profile, Set.of(), X86, "6.1", "custom");
        assertThat(call(f, X86, "mkdirat")).isEqualTo(0x00050000 | 13);
        assertThat(call(f, X86, "getpid")).isEqualTo(ALLOW);
        assertThat(call(f, X86, "read", 0x1_0000_0000L)).isEqualTo(ALLOW);
        assertThat(call(f, X86, "read", 0x1_0000_0001L)).isEqualTo(EPERM);
        assertThat(call(f, X86, "read", 0x2_0000_0000L)).isEqualTo(EPERM);
        assertThat(call(f, X86, "read", 0xffffffffL)).isEqualTo(ALLOW);
        assertThat(call(f, X86, "write", 0, 0, 0x1_0000_0001L)).isEqualTo(EPERM);
        assertThat(call(f, X86, "write", 0, 0, 0x1_0000_0000L)).isEqualTo(ALLOW);
        assertThat(call(f, X86, "write", 0, 0, 0x0_ffff_ffffL)).isEqualTo(ALLOW);
        assertThat(call(f, X86, "lseek", 0, 0xffffffffL, 2)).isEqualTo(0x80000000);
        assertThat(call(f, X86, "lseek", 0, 0xffffffffL, 3)).as("LE fails").isEqualTo(ALLOW);
        assertThat(call(f, X86, "lseek", 0, 0x1_0000_0000L, 0)).as("LT fails").isEqualTo(ALLOW);
        assertThat(call(f, X86, "dup3", 3)).as("same index: either").isEqualTo(0x7ffc0000);
        assertThat(call(f, X86, "dup3", 5)).isEqualTo(0x7ffc0000);
        assertThat(call(f, X86, "dup3", 4)).isEqualTo(ALLOW);
    }

    @Test
    void invalidProfilesAreRefusedNamingTheEntry() {
        assertThatThrownBy(() -> SeccompProfile.parse("{\"syscalls\": []}")).hasMessageContaining("no defaultAction");
        assertThatThrownBy(() -> SeccompProfile.parse("{\"defaultAction\": \"SCMP_ACT_NOPE\"}"))
                .hasMessageContaining("defaultAction \"SCMP_ACT_NOPE\" is not an action");
        assertThatThrownBy(() -> SeccompProfile.parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
                + "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 7, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}"))
                .hasMessageContaining("argument index 7");
        assertThatThrownBy(() -> SeccompProfile.parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
                + "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"EQ\"}]}]}"))
                .hasMessageContaining("syscalls[0].args[0].op \"EQ\" is not an operator");
        assertThatThrownBy(() -> SeccompProfile.parse("not json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> SeccompProfile.parse("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}")).hasMessageContaining("listener");
    }

    @Test
    void securityOptionsChooseTheFilter() {
        assertThat(SeccompPolicy.describe(List.of())).isEqualTo("builtin");
        assertThat(SeccompPolicy.describe(List.of("seccomp=unconfined"))).isEqualTo("unconfined");
        assertThat(SeccompPolicy.describe(List.of("seccomp:unconfined"))).isEqualTo("unconfined");
        assertThat(SeccompPolicy.describe(List.of("seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}"))).isEqualTo("custom");
        assertThat(SeccompPolicy.filter(List.of("seccomp=unconfined", "no-new-privileges"), Capability.dockerDefaults())).isEmpty();
        assertThat(SeccompPolicy.filter(List.of(), Capability.dockerDefaults()))
                .containsSame(SeccompPolicy.filter(List.of("seccomp=builtin"), Capability.dockerDefaults()).orElseThrow());
        assertThatThrownBy(() -> SeccompPolicy.profile(List.of("seccomp=/etc/profile.json")))
                .hasMessageContaining("give the profile's content");
        assertThatThrownBy(() -> SeccompPolicy.profile(List.of("apparmor=docker-default"))).hasMessageContaining("AppArmor");
        assertThatThrownBy(() -> SeccompPolicy.profile(List.of("systempaths=unconfined"))).hasMessageContaining("not supported");
    }
}
