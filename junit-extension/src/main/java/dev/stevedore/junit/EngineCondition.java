package dev.stevedore.junit;

import dev.stevedore.dsl.Engines;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link DisabledWithoutEngine}. */
final class EngineCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> reason = Engines.unavailableReason();
        return reason.map(r -> ConditionEvaluationResult.disabled("@DisabledWithoutEngine: " + r))
                .orElseGet(() -> ConditionEvaluationResult.enabled("a container engine is available"));
    }
}
