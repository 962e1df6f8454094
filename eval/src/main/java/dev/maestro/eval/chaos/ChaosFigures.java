package dev.maestro.eval.chaos;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What a chaos run measured: how many schedules, continuations, ticks and checked events, the
 * faults injected and recoveries taken by kind, and the invariant violations (with the seeds of the
 * schedules that broke, each replayable alone with {@code --seed S --schedules 1}).
 */
public record ChaosFigures(
    @JsonProperty("seed") long seed,
    @JsonProperty("schedules") int schedules,
    @JsonProperty("continuations") long continuations,
    @JsonProperty("workers") long workers,
    @JsonProperty("ticks") long ticks,
    @JsonProperty("events_checked") long eventsChecked,
    @JsonProperty("faults") Map<String, Long> faults,
    @JsonProperty("faults_total") long faultsTotal,
    @JsonProperty("recoveries") Map<String, Long> recoveries,
    @JsonProperty("violations") long violations,
    @JsonProperty("failing_seeds") List<Long> failingSeeds,
    @JsonProperty("violation_samples") List<String> violationSamples,
    @JsonProperty("wall_ms") long wallMs) {}
