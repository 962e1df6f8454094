-- Time from spawn to the terminal transition, per finished continuation.
SELECT s.tenant,
       s.continuation_id,
       t.status_after                          AS terminal_status,
       t.occurred_at_ms - s.occurred_at_ms     AS duration_ms,
       (SELECT COUNT(*) FROM fact_continuation_lifecycle w
         WHERE w.tenant = s.tenant AND w.continuation_id = s.continuation_id
           AND w.event_type = 'wake')          AS wakes
FROM fact_continuation_lifecycle s
JOIN fact_continuation_lifecycle t
  ON t.tenant = s.tenant
 AND t.continuation_id = s.continuation_id
 AND t.status_after IN ('completed', 'killed', 'failed')
WHERE s.event_type = 'spawn'
ORDER BY s.tenant, s.continuation_id;
