-- fact_continuation_step: one row per tick-closing event (sleep, complete, error) and per
-- model_call, tool_call and budget_charge. Written by the AWS CDC handler (dev.maestro.aws.cdc.FactRows)
-- as newline-delimited JSON objects with "table": "fact_continuation_step"; absent values are null.
-- Rows are delivered at least once: deduplicate on (tenant, continuation_id, sequence).
-- Spend is SUM(usd) over event_type = 'budget_charge' (model_call.usd is the provider's figure
-- for the same call, not a second charge).
--
-- Athena / Glue, over the Firehose S3 output (one prefix per table, e.g. by a Firehose dynamic
-- partitioning key on .table):
--   CREATE EXTERNAL TABLE fact_continuation_step (
--     tenant string, continuation_id string, sequence bigint, event_type string,
--     occurred_at string, occurred_at_ms bigint, generation bigint, trace_id string,
--     span_id string, runtime string, wake_condition string, wake_at_ms bigint, reason string,
--     error_code string, fatal boolean, call_id string, provider string, model_id string,
--     tier string, tokens_in bigint, tokens_out bigint, latency_ms bigint, usd decimal(18,9),
--     safety_outcome string, local_provider boolean, tool string, ok boolean, price_table string)
--   ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
--   LOCATION 's3://<bucket>/facts/fact_continuation_step/';
CREATE TABLE fact_continuation_step (
  tenant          VARCHAR(63)    NOT NULL,
  continuation_id CHAR(36)       NOT NULL,
  sequence        BIGINT         NOT NULL,
  event_type      VARCHAR(32)    NOT NULL,
  occurred_at     VARCHAR(40)    NOT NULL, -- ISO-8601 UTC, as in the event
  occurred_at_ms  BIGINT         NOT NULL, -- the same instant in epoch milliseconds
  generation      BIGINT         NOT NULL,
  trace_id        VARCHAR(64)    NOT NULL,
  span_id         VARCHAR(64)    NOT NULL,
  runtime         VARCHAR(16)    NOT NULL,
  wake_condition  VARCHAR(16),             -- sleep: timer, signal, stream, publish, any_of
  wake_at_ms      BIGINT,                  -- sleep: the timer's due time, if any
  reason          VARCHAR(1024),           -- sleep
  error_code      VARCHAR(128),            -- error
  fatal           BOOLEAN,                 -- error
  call_id         VARCHAR(128),            -- model_call, tool_call, budget_charge
  provider        VARCHAR(64),             -- model_call
  model_id        VARCHAR(128),            -- model_call
  tier            VARCHAR(32),             -- model_call
  tokens_in       BIGINT,                  -- model_call, budget_charge
  tokens_out      BIGINT,                  -- model_call, budget_charge
  latency_ms      BIGINT,                  -- model_call
  usd             DECIMAL(18, 9),          -- model_call, budget_charge
  safety_outcome  VARCHAR(64),             -- model_call
  local_provider  BOOLEAN,                 -- model_call: the offline local provider
  tool            VARCHAR(128),            -- tool_call
  ok              BOOLEAN,                 -- tool_call
  price_table     VARCHAR(128),            -- budget_charge
  PRIMARY KEY (tenant, continuation_id, sequence)
);
