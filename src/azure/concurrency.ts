/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. The
 * first failure stops new calls from starting and is rethrown once the running ones settle.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  abortSignal?: { aborted: boolean },
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  let failure: { error: unknown } | undefined;

  async function worker(): Promise<void> {
    while (failure === undefined && nextIndex < items.length) {
      if (abortSignal?.aborted) {
        const error = new Error('The operation was aborted.');
        error.name = 'AbortError';
        failure ??= { error };
        return;
      }
      const index = nextIndex++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  if (failure) throw failure.error;
  return results;
}
