/** SQL of the go-live record and gate (DOMAIN.md A4, src/store/golive-store.ts), as named query functions (pg-boss style). */
import type { Query } from '../database.js';

/** Adds a batch of an operator's successful calls of one web service: first and last success widened, count added. */
export function addSuccessfulCalls(operatorId: string, service: string, first: Date, last: Date, calls: number): Query {
  return {
    text: `INSERT INTO golive_call (operator_id, service, first_ok_at, last_ok_at, calls) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (operator_id, service) DO UPDATE SET first_ok_at = least(golive_call.first_ok_at, EXCLUDED.first_ok_at),
           last_ok_at = greatest(golive_call.last_ok_at, EXCLUDED.last_ok_at), calls = golive_call.calls + EXCLUDED.calls`,
    values: [operatorId, service, first, last, calls]
  };
}

/** The operator's code and whether it has a go-live validation. */
export function goLiveStatusOf(operatorId: string): Query {
  return {
    text: `SELECT o.code, EXISTS (SELECT 1 FROM golive_validation v WHERE v.operator_id = o.id) AS ok FROM operator o WHERE o.id = $1`,
    values: [operatorId]
  };
}

export function successfulCallsOf(operatorId: string): Query {
  return { text: 'SELECT service, first_ok_at, last_ok_at, calls FROM golive_call WHERE operator_id = $1 ORDER BY service', values: [operatorId] };
}

export function goLiveValidationOf(operatorId: string): Query {
  return {
    text: 'SELECT validated_at, record, signature, imported_at, imported_by FROM golive_validation WHERE operator_id = $1', values: [operatorId]
  };
}

/** Writes (or replaces) an operator's validation. */
export function upsertGoLiveValidation(v: { operatorId: string; validatedAt: Date; record: unknown; signature: string | null; at: Date; by: string }): Query {
  return {
    text: `INSERT INTO golive_validation (operator_id, validated_at, record, signature, imported_at, imported_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (operator_id) DO UPDATE SET validated_at = EXCLUDED.validated_at, record = EXCLUDED.record, signature = EXCLUDED.signature,
       imported_at = EXCLUDED.imported_at, imported_by = EXCLUDED.imported_by`,
    values: [v.operatorId, v.validatedAt, JSON.stringify(v.record), v.signature, v.at, v.by]
  };
}
