/**
 * Docker Engine API documents as typed, immutable records: what Stevedore's Docker client writes to a daemon and
 * what {@code stevedore serve} reads from Docker clients, declared once so the two cannot drift apart.
 *
 * <p>This is a module of its own rather than a package of the engine: the engine's public API names no Docker
 * JSON shape, and serve may use only the engine's public API, so the one place both can share is a small module
 * that both depend on. A record holds the fields Stevedore reads or writes, under Docker's names; JSON names are
 * matched case-insensitively on input (as dockerd's decoder does) and {@code null} components are left out on
 * output. {@link Wire#unbound} finds what a document carries beyond its record, so a reader can refuse it.
 */
package dev.stevedore.docker.wire;
