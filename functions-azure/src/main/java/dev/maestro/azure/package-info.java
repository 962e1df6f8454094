/**
 * The Azure adapter (BRIEF §7 "Azure"): the Cosmos DB substrate, Azure Functions, and one Durable
 * Functions orchestration per continuation, over the same core as the embedded runtime and AWS.
 */
package dev.maestro.azure;
