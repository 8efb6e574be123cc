/** One payload to check: what to publish, and where it came from (its line in the file, if any). */
export interface CheckEntry {
  /** 1-based line of the ndjson file; undefined for a generated sample. */
  readonly line?: number;
  readonly topic: string;
  readonly payload: Buffer;
}

/** A line of the file that is not a payload to check. */
export interface BadLine {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedPayloadFile {
  readonly entries: CheckEntry[];
  readonly badLines: BadLine[];
}

/**
 * The payload file: newline-delimited JSON, one `{"topic": "...", "payload": <JSON value or string>}` per line. A JSON
 * value is published as its JSON text; a string as its characters (UTF-8), so a payload that is not JSON can be checked
 * too. Blank lines are skipped; any other line that is not such an object is reported with its number.
 */
export function parsePayloadFile(text: string): ParsedPayloadFile {
  const entries: CheckEntry[] = [];
  const badLines: BadLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      badLines.push({ line, reason: `not JSON: ${(e as Error).message}` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      badLines.push({ line, reason: 'expected an object {"topic": "...", "payload": ...}' });
      return;
    }
    const { topic, payload, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (typeof topic !== 'string' || topic === '') {
      badLines.push({ line, reason: '"topic" must be a non-empty string' });
    } else if (payload === undefined) {
      badLines.push({ line, reason: '"payload" is missing' });
    } else if (extra.length) {
      badLines.push({
        line,
        reason: `unknown propert${extra.length > 1 ? 'ies' : 'y'} ${extra.map((k) => `"${k}"`).join(', ')}`,
      });
    } else {
      entries.push({
        line,
        topic,
        payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
      });
    }
  });
  return { entries, badLines };
}
