import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from './database';
import { ROLLUP_NAMES, isRollupName, rollupColumns, type RollupName, type RollupRow } from './rollups';

export interface SeriesQuery {
  readonly rollup: RollupName;
  readonly deviceId: string;
  /** bucket >= from */
  readonly from: Date;
  /** bucket < to */
  readonly to: Date;
  /** Safety cap on points returned (default 10 000). */
  readonly limit?: number;
}

/**
 * One SELECT per rollup, built once from the whitelist constants (never from input): continuous aggregates
 * and plain tables share names and columns, so the same statement runs on both paths.
 */
const SERIES_SQL: Readonly<Record<RollupName, string>> = Object.fromEntries(
  ROLLUP_NAMES.map((name) => {
    const cols = rollupColumns(name);
    const select = ['bucket', 'device_id AS "deviceId"', ...cols.map((c) => `${c.column} AS "${c.field}"`)].join(', ');
    const order = ['bucket', ...cols.filter((c) => c.type === 'text').map((c) => c.column)].join(', ');
    return [
      name,
      `SELECT ${select} FROM ${name} WHERE device_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY ${order} LIMIT $4`,
    ];
  }),
) as Record<RollupName, string>;

const COUNT_FIELDS: Readonly<Record<RollupName, readonly string[]>> = Object.fromEntries(
  ROLLUP_NAMES.map((name) => [
    name,
    rollupColumns(name)
      .filter((c) => c.type === 'count')
      .map((c) => c.field),
  ]),
) as Record<RollupName, string[]>;

@Injectable()
export class TimeseriesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The statement series() runs for a rollup (for EXPLAIN and reviews). */
  static sqlFor(rollup: RollupName): string {
    return SERIES_SQL[rollup];
  }

  async series(q: SeriesQuery): Promise<RollupRow[]> {
    // Callers may pass strings from HTTP; only whitelisted names reach SQL.
    if (!isRollupName(q.rollup)) throw new RangeError(`Unknown rollup: ${String(q.rollup)}`);
    const { rows } = await this.db.pool.query<Record<string, unknown>>(SERIES_SQL[q.rollup], [
      q.deviceId,
      q.from,
      q.to,
      q.limit ?? 10_000,
    ]);
    const counts = COUNT_FIELDS[q.rollup];
    // bigint counts come back as strings from pg.
    return rows.map((r) => {
      for (const f of counts) if (r[f] !== null) r[f] = Number(r[f]);
      return r as unknown as RollupRow;
    });
  }
}
