import type { Pool, PoolClient } from 'pg';

/**
 * Runs `fn` in one transaction (READ COMMITTED) on one pooled connection: committed when it returns and `keep` agrees
 * (an outcome that must leave nothing behind is rolled back instead), rolled back when it throws. A connection whose
 * ROLLBACK fails is released as broken, so the pool does not hand it out again.
 */
export async function inTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  keep: (result: T) => boolean = () => true,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query(keep(result) ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (err) {
    broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw err;
  } finally {
    client.release(broken);
  }
}
