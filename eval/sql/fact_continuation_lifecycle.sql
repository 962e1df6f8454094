-- fact_continuation_lifecycle: one row per status transition (spawn, wake, sleep, fork, merge,
-- kill, fatal error, complete). Written by the AWS CDC handler (dev.maestro.aws.cdc.FactRows) as
-- newline-delimited JSON objects with "table": "fact_continuation_lifecycle"; absent values are
-- null. status_after is null for fork and merge, which do not change the status. Rows are
-- delivered at least once: deduplicate on (tenant, continuation_id, sequence).
--
-- Athena / Glue, over the Firehose S3 output:
--   CREATE EXTERNAL TABLE fact_continuation_lifecycle (
--     tenant string, continuation_id string, sequence bigint, event_type string,
--     occurred_at string, occurred_at_ms bigint, generation bigint, trace_id string,
--     span_id string, runtime string, status_after string, root_id string, parent_ids string,
--     wake_condition string, wake_at_ms bigint, reason string, wake_id string, wake_kind string,
--     wake_channel string, child_id string, merge_sources string, merge_function string,
--     killed_by string, error_code string)
--   ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
--   LOCATION 's3://<bucket>/facts/fact_continuation_lifecycle/';
CREATE TABLE fact_continuation_lifecycle (
  tenant          VARCHAR(63)   NOT NULL,
  continuation_id CHAR(36)      NOT NULL,
  sequence        BIGINT        NOT NULL,
  event_type      VARCHAR(32)   NOT NULL,
  occurred_at     VARCHAR(40)   NOT NULL, -- ISO-8601 UTC, as in the event
  occurred_at_ms  BIGINT        NOT NULL, -- the same instant in epoch milliseconds
  generation      BIGINT        NOT NULL,
  trace_id        VARCHAR(64)   NOT NULL,
  span_id         VARCHAR(64)   NOT NULL,
  runtime         VARCHAR(16)   NOT NULL,
  status_after    VARCHAR(16),            -- created, running, sleeping, waiting, completed, killed, failed
  root_id         CHAR(36),               -- spawn: the lineage root
  parent_ids      VARCHAR(4096),          -- spawn: JSON array of parent ids (forks, merges)
  wake_condition  VARCHAR(16),            -- spawn, sleep: timer, signal, stream, publish, any_of
  wake_at_ms      BIGINT,                 -- sleep: the timer's due time, if any
  reason          VARCHAR(1024),          -- sleep, kill
  wake_id         VARCHAR(128),           -- wake
  wake_kind       VARCHAR(16),            -- wake: timer, signal, stream, publish
  wake_channel    VARCHAR(512),           -- wake: timer id, signal kind, topic or tag
  child_id        CHAR(36),               -- fork
  merge_sources   VARCHAR(4096),          -- merge: JSON array of source ids
  merge_function  VARCHAR(128),           -- merge
  killed_by       VARCHAR(128),           -- kill
  error_code      VARCHAR(128),           -- fatal error
  PRIMARY KEY (tenant, continuation_id, sequence)
);
