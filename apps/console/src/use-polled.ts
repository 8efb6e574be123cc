import { useEffect, useState } from 'react';

/** Polls a REST read while mounted (again whenever `deps` change); keeps the last good answer. */
export function usePolled<T>(read: () => Promise<T>, everyMs: number, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    let live = true;
    const tick = () => read().then((v) => live && setValue(v), () => undefined);
    tick();
    const h = setInterval(tick, everyMs);
    return () => {
      live = false;
      clearInterval(h);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [everyMs, ...deps]);
  return value;
}
