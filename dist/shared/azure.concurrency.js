// src/azure/concurrency.ts
async function mapWithConcurrency(items, limit, fn, abortSignal) {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results = new Array(items.length);
  let nextIndex = 0;
  let failure;
  async function worker() {
    while (failure === void 0 && nextIndex < items.length) {
      if (abortSignal?.aborted) {
        const error = new Error("The operation was aborted.");
        error.name = "AbortError";
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

export {
  mapWithConcurrency
};
