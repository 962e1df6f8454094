/**
 * The embedded SQLite substrate: {@link dev.maestro.local.store.SqliteSubstrate} opens one database
 * file and provides every storage port of {@code dev.maestro.core.substrate} over it. Everything
 * else in the package is internal.
 */
package dev.maestro.local.store;
