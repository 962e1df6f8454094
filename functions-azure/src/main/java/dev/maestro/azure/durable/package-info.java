/**
 * A continuation as a Durable Functions orchestration (BRIEF §7 "Azure"; compare ADR-0007 for the
 * AWS tick).
 *
 * <p>One orchestration instance per continuation, instance id = continuation id, input {@link
 * dev.maestro.azure.durable.OrchestrationInput} (tenant, id, wakes still to deliver, ticks per
 * execution, executions so far). Its eternal loop:
 *
 * <ol>
 *   <li>call activity {@code tick} with the wake to deliver; the activity runs {@code
 *       TickEngine.deliver} (dedupe, match, lease, step, persist, release) and answers with the
 *       state after it: ended, "deliver the same wake again at T" (lease held), or what the wake
 *       condition waits for (a timer and/or events);
 *   <li>ended: the orchestration completes with the continuation's status as its output;
 *   <li>otherwise wait: the external event {@code wake} always, raced with {@code anyOf} against a
 *       durable timer when the condition has one. A plain sleep listens for events too, so a kill
 *       reaches a sleeping continuation at once. A fired timer becomes {@code Wake.timer(id, at)};
 *       an event carries its {@code Wake} as JSON;
 *   <li>after {@code ticksPerExecution} ticks (default 20) {@code continueAsNew}, carrying the wake
 *       about to be delivered and any wake event already received, so history stays short.
 * </ol>
 *
 * <p>One event name, {@code wake}, carries every kind of wake (signals, stream messages, sibling
 * publishes, resumes): the tick engine, not the orchestration, knows what the continuation waits
 * for, so separate names would only duplicate that matching. Wakes are not deduplicated here: the
 * same wake raised twice runs two {@code tick} activities and the engine ignores the second by wake
 * id, durably and under the lease, which the orchestration's memory (reset at every {@code
 * continueAsNew}) could not do. When the timer wins a race, the pending event wait is kept and
 * reused, never abandoned, since an abandoned wait would swallow the next event raised.
 *
 * <p>The orchestrator is deterministic: time only from {@code ctx.getCurrentInstant()}, no random,
 * no I/O. A failed activity waits {@code ACTIVITY_RETRY} and deliver the same wake again; the
 * engine's {@code fail}/{@code reconcile} handle what a crashed tick left behind. Timers longer
 * than the SDK's maximum timer interval are split by the SDK itself.
 */
package dev.maestro.azure.durable;
