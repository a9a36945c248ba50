package dev.stevedore.dsl.fake;

/**
 * What a {@link FakeEngine} container "runs": code on a thread of its own, started with the container, that logs
 * lines, opens ports and exits through its {@link FakeProcess}. Returning keeps the container running until it is
 * stopped; {@link FakeProcess#exit(int)} ends it.
 */
@FunctionalInterface
public interface FakeProgram {
    void run(FakeProcess process) throws Exception;
}
