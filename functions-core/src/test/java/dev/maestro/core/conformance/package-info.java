/**
 * The substrate conformance kit (BRIEF §3.6, §5), shipped as functions-core's test-jar: abstract
 * JUnit 5 contracts that every implementation of the storage ports (embedded, DynamoDB, Cosmos DB)
 * must pass. Extend {@link dev.maestro.core.conformance.SubstrateConformanceKit} to run all of
 * them, or single contracts where only part of the substrate is implemented. {@link
 * dev.maestro.core.conformance.Fixtures} builds valid continuations and chained events for them.
 */
package dev.maestro.core.conformance;
