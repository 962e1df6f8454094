/**
 * The AWS {@link dev.maestro.core.substrate.Scheduler}: a durable ledger of pending wakes (the
 * DynamoDB timers table) plus a push that delivers each wake when due, either by starting a tick
 * execution at once or through a one-time EventBridge Scheduler schedule (BRIEF §7 "AWS").
 */
package dev.maestro.aws.scheduler;
