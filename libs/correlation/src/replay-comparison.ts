import type { IncidentSignal, IncidentType } from '@ioc/domain';

/**
 * One engine decision as the live role would have made it: the key without an exercise's prefix, the time in event
 * time (an exercise's drill time), the incident type (a clear or an update carries none: the raise of its key gives it).
 */
export interface LiveDecision {
  readonly op: IncidentSignal['op'];
  readonly key: string;
  readonly type: IncidentType | undefined;
  readonly at: number;
}

/**
 * The decisions of a signal sequence in the live role's terms: `prefix` is taken off each key (an exercise run's
 * prefix; a key without it is kept whole, so it shows as a difference) and `at` is the decision's event time.
 */
export function liveDecisions(
  made: readonly { readonly signal: IncidentSignal; readonly at: number }[],
  prefix = '',
): LiveDecision[] {
  const typeOf = new Map<string, IncidentType>();
  return made.map(({ signal, at }) => {
    const key = prefix && signal.key.startsWith(prefix) ? signal.key.slice(prefix.length) : signal.key;
    if (signal.op === 'raise') typeOf.set(key, signal.type);
    return { op: signal.op, key, type: signal.op === 'raise' ? signal.type : typeOf.get(key), at };
  });
}

export interface DecisionComparison {
  readonly identical: boolean;
  /** The first differences, in decision order, one line each. */
  readonly differences: string[];
}

const show = (d: LiveDecision | undefined) =>
  d ? `${d.op} ${d.type ?? '?'} ${d.key} at ${new Date(d.at).toISOString()}` : 'nothing';

/** Compares two decision sequences position by position; lists at most `maxDifferences` of the differences. */
export function compareDecisions(
  a: readonly LiveDecision[],
  b: readonly LiveDecision[],
  names: readonly [string, string] = ['a', 'b'],
  maxDifferences = 5,
): DecisionComparison {
  const differences: string[] = [];
  let different = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x && y && x.op === y.op && x.key === y.key && x.type === y.type && x.at === y.at) continue;
    different++;
    if (differences.length < maxDifferences) differences.push(`#${i}: ${names[0]} ${show(x)}; ${names[1]} ${show(y)}`);
  }
  if (different > differences.length) differences.push(`… ${different - differences.length} more`);
  return { identical: different === 0, differences };
}
