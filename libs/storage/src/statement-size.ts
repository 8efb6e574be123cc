import type { QueryConfig } from 'pg';
import type { Database } from './database';

/** Splits items into runs whose estimated size stays under `limit` (an item larger than it goes alone). */
export function chunkBySize<T>(items: readonly T[], size: (item: T) => number, limit: number | undefined): T[][] {
  if (!limit) return items.length ? [items.slice()] : [];
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length && bytes + n > limit) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += n;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * Whether repositories may use named (server-side prepared) statements on this database: not on the embedded one,
 * whose single backend session successive socket connections share, so a statement prepared on one connection
 * outlives it and the next connection's PREPARE of the same name fails.
 */
export function namedStatementsFor(db: Pick<Database, 'embedded'>): boolean {
  return !db.embedded;
}

/** A query as a named statement where `named` (see namedStatementsFor), else an unnamed one. */
export function statement(named: boolean, name: string, text: string, values: unknown[]): QueryConfig {
  return named ? { name, text, values } : { text, values };
}
