import type { Pool } from 'pg';
import { longestWindowMs, type RateWindow } from './sendBudget';

// A send's reservation on PostgreSQL in one round trip. Every proactive send and card update asks
// for one, and as a transaction (BEGIN, the conversation's lock, forget old sends, read the rest,
// insert, COMMIT) it was six, the most statements any part of the bot sent (docs/benchmarks.md).
// The loop is `budgetWaitMs` (src/store/sendBudget.ts) in SQL: per window, once `max` sends fall in
// it, one more fits when the max-th newest leaves it. The contract tests hold both stores to it.

export const RESERVE_SEND_FUNCTION = `
CREATE OR REPLACE FUNCTION dwbot_reserve_send(
  p_conversation text, p_now bigint, p_forget_before bigint, p_window_ms bigint[], p_window_max integer[],
  p_replica text
) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
  wait bigint := 0;
  i integer;
  leaves bigint;
BEGIN
  -- One decision per conversation at a time, across replicas.
  PERFORM pg_advisory_xact_lock(hashtext('dwbot:send:' || p_conversation));
  DELETE FROM conversation_sends WHERE conversation_id = p_conversation AND at_ms < p_forget_before;
  FOR i IN 1 .. coalesce(array_length(p_window_ms, 1), 0) LOOP
    SELECT s.at_ms INTO leaves FROM conversation_sends s
     WHERE s.conversation_id = p_conversation AND s.at_ms >= p_now - p_window_ms[i]
     ORDER BY s.at_ms DESC OFFSET p_window_max[i] - 1 LIMIT 1;
    IF FOUND THEN wait := greatest(wait, leaves + p_window_ms[i] - p_now + 1); END IF;
  END LOOP;
  IF wait = 0 THEN
    INSERT INTO conversation_sends (conversation_id, at_ms, replica) VALUES (p_conversation, p_now, p_replica);
  END IF;
  RETURN wait;
END
$fn$;`;

export async function reserveSend(
  pool: Pool,
  conversationId: string,
  limits: readonly RateWindow[],
  replica: string,
): Promise<number> {
  const now = Date.now();
  const result = await pool.query<{ wait: string }>(
    'SELECT dwbot_reserve_send($1, $2, $3, $4, $5, $6) AS wait',
    [
      conversationId,
      now,
      now - longestWindowMs(limits),
      limits.map((w) => w.ms),
      limits.map((w) => w.max),
      replica,
    ],
  );
  return Number(result.rows[0].wait);
}
