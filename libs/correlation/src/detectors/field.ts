/** Reads a (dotted) field of a message body; numbers and booleans as they are. */
export function readField(body: Readonly<Record<string, unknown>>, path: string): unknown {
  if (path.indexOf('.') < 0) return body[path];
  let v: unknown = body;
  for (const p of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

export const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
