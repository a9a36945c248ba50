/** Implementation of the Spring Boot integration: the test-context customizer, the auto-configuration for beans, the factories. */
@NullMarked
package dev.stevedore.spring.internal;

import org.jspecify.annotations.NullMarked;
