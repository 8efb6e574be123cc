import { useState } from 'react';

/** What a form's draft makes: the request to send, or every reason it cannot be sent. */
export type Checked<B, E> =
  { readonly ok: true; readonly body: B } | { readonly ok: false; readonly errors: readonly E[] };

/**
 * A form checked in the browser as the server checks it: its draft, the reasons it cannot be sent (cleared by any
 * edit), the server's refusal, and `submit` — build the request or show why not, then send it or show why the server
 * refused. After a successful send the form stays busy: its owner closes it.
 */
export function useCheckedForm<D, B, E>(
  initial: () => D,
  build: (draft: D) => Checked<B, E>,
  send: (body: B) => Promise<void>,
  refused: (err: unknown) => string,
) {
  const [draft, setDraft] = useState<D>(initial);
  const [errors, setErrors] = useState<readonly E[]>([]);
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<D>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors([]);
  };
  const submit = async () => {
    const r = build(draft);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setBusy(true);
    setServerError(undefined);
    try {
      await send(r.body);
    } catch (err) {
      setServerError(refused(err));
      setBusy(false);
    }
  };
  return { draft, set, errors, serverError, busy, submit };
}
