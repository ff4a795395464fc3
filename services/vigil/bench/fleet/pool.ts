/**
 * `fn` over `items` with at most `concurrency` calls in flight, results in input order. Provisioning
 * and connecting thousands of devices one by one takes minutes; all at once overloads both sides and
 * measures a thundering herd instead.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
