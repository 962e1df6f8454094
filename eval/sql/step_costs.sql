-- Ticks, model calls, tokens and spend per continuation. A tick closes with sleep, complete or a
-- fatal error; spend is what budget_charge recorded.
SELECT tenant,
       continuation_id,
       SUM(CASE WHEN event_type IN ('sleep', 'complete')
                  OR (event_type = 'error' AND fatal) THEN 1 ELSE 0 END)           AS ticks,
       SUM(CASE WHEN event_type = 'model_call' THEN 1 ELSE 0 END)                  AS model_calls,
       SUM(CASE WHEN event_type = 'tool_call' THEN 1 ELSE 0 END)                   AS tool_calls,
       SUM(CASE WHEN event_type = 'budget_charge' THEN tokens_in + tokens_out
                ELSE 0 END)                                                        AS tokens,
       SUM(CASE WHEN event_type = 'budget_charge' THEN usd ELSE 0 END)             AS spent_usd
FROM fact_continuation_step
GROUP BY tenant, continuation_id
ORDER BY tenant, continuation_id;
