/** The DSL's internals (also used by Stevedore's own service modules): not API, may change at any time. */
package dev.stevedore.dsl.internal;
