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
