package dev.stevedore.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Disables a test class or method when no container engine can be opened, instead of failing it (the default:
 * a missing engine is an error that says what was tried). The reason the engine is unusable is the disabled
 * test's reason. Opt in where running without containers is acceptable, e.g. on developer laptops without Linux.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(EngineCondition.class)
public @interface DisabledWithoutEngine {
}
