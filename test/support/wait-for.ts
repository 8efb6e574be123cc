/**
 * Reads until `ok` holds, every `everyMs`, and returns the value that passed. On timeout, the error shows the last
 * value read and `context()` (a server's recent logs, say).
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  opts: { readonly timeoutMs?: number; readonly everyMs?: number; readonly context?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out (last: ${JSON.stringify(v)})${opts.context ? `; ${opts.context()}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 25));
  }
}
