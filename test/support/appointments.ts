/**
 * The idCreneau key is random per database (migration 0012). Replays (golden samples, developer examples) fix it, so
 * that the slots a search offers, and the requests that book them, are the same in every replay.
 */
import { run, type Pool } from '../../src/store/database.js';

export async function fixSlotKey(pool: Pool): Promise<void> {
  await run(pool, { text: `UPDATE appointment_secret SET hmac_key = decode(repeat('5a', 32), 'hex')`, values: [] });
}
