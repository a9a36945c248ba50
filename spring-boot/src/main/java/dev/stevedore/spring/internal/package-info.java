/** Implementation of the Spring Boot integration: the test-context customizer, the auto-configuration for beans, the factories. */
package dev.stevedore.spring.internal;
