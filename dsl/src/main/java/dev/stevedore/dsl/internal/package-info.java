/** The DSL's internals: not API, may change at any time. */
package dev.stevedore.dsl.internal;
