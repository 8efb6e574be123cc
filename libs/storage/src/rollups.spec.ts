import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS_DIR } from './migration.runner';
import { PLAIN_RETENTION, PLAIN_ROLLUP_REFRESH } from './plain-rollup.queries';
import { HOUR_MS, ROLLUPS_1H, ROLLUPS_1M, ROLLUP_NAMES, alignWindow, isRollupName, rollupColumns } from './rollups';
import { TimeseriesRepository } from './timeseries.repository';

describe('rollups', () => {
  it('pairs every 1m rollup with a 1h one', () => {
    expect(ROLLUPS_1M.map((n) => n.replace('_1m', '_1h'))).toEqual(ROLLUPS_1H);
    expect(ROLLUPS_1M).toHaveLength(5);
  });

  it('accepts only whitelisted names', () => {
    expect(isRollupName('rain_1h')).toBe(true);
    expect(isRollupName('rain_1d')).toBe(false);
    expect(isRollupName('device')).toBe(false);
  });

  it('maps columns to camelCase fields and types counts', () => {
    expect(rollupColumns('flood_level_1h').map((c) => c.field)).toEqual([
      'kind',
      'levelAvg',
      'levelMin',
      'levelMax',
      'samples',
    ]);
    expect(
      rollupColumns('camera_detection_1m')
        .filter((c) => c.type === 'count')
        .map((c) => c.column),
    ).toEqual(['detections']);
  });

  it('builds series SQL from constants only, with parameters for values', () => {
    expect(TimeseriesRepository.sqlFor('camera_detection_1h')).toBe(
      'SELECT bucket, device_id AS "deviceId", event_type AS "eventType", detections AS "detections", confidence_avg AS "confidenceAvg" ' +
        'FROM camera_detection_1h WHERE device_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket, event_type LIMIT $4',
    );
  });

  it('has a plain-path refresh statement for every rollup, writing exactly its columns', () => {
    for (const name of ROLLUP_NAMES) {
      const sql = PLAIN_ROLLUP_REFRESH[name];
      expect(sql).toContain(
        `INSERT INTO ${name} (bucket, device_id, ${rollupColumns(name)
          .map((c) => c.column)
          .join(', ')})`,
      );
      // The hourly rollups are computed from the minute ones, as the hierarchical continuous aggregates are.
      if (name.endsWith('_1h')) expect(sql).toContain(`FROM ${name.replace('_1h', '_1m')}`);
    }
    expect(PLAIN_RETENTION.map((r) => r.table)).toEqual(
      expect.arrayContaining([...ROLLUP_NAMES, 'raw_message', 'flood_reading']),
    );
  });
});

describe('alignWindow', () => {
  const d = (iso: string) => new Date(iso);

  it('widens a window outwards to whole hours', () => {
    expect(alignWindow(d('2026-01-01T10:20:00Z'), d('2026-01-01T12:05:00Z'))).toEqual({
      from: d('2026-01-01T10:00:00Z'),
      to: d('2026-01-01T13:00:00Z'),
    });
  });

  it('keeps aligned bounds and never returns an empty window', () => {
    expect(alignWindow(d('2026-01-01T10:00:00Z'), d('2026-01-01T11:00:00Z'))).toEqual({
      from: d('2026-01-01T10:00:00Z'),
      to: d('2026-01-01T11:00:00Z'),
    });
    expect(alignWindow(d('2026-01-01T10:00:00Z'), d('2026-01-01T10:00:00Z'), HOUR_MS).to).toEqual(
      d('2026-01-01T11:00:00Z'),
    );
  });
});

describe('migration files', () => {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();

  it('are versioned with node-pg-migrate 17-digit UTC prefixes, in order', () => {
    expect(files).toHaveLength(21);
    for (const f of files) expect(f).toMatch(/^\d{17}_[a-z0-9-]+\.sql$/);
  });

  it('each have an up and a down section', () => {
    for (const f of files) {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8');
      expect(sql).toMatch(/^-- Up Migration$/m);
      expect(sql).toMatch(/^-- Down Migration$/m);
    }
  });
});
