/** The PostgreSQL module's internals (JDBC access and its warm-up, readiness, snapshots, the data cache): not API. */
package dev.stevedore.postgres.internal;
