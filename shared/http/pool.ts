/**
 * Runs `task(0)` … `task(count - 1)` with at most `parallel` under way at once, starting them in index
 * order; both hosts use it for many items (n8n) or a bulk payload (Node-RED) under "Parallel requests".
 * Once `stopped()` is true, no further task starts (those under way finish). A task must not throw: it
 * records its own result or error by index, so that results stay in input order.
 */
export async function runInOrder(count: number, parallel: number, task: (index: number) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped()) await task(next++);
  };
  const workers = Math.max(1, Math.min(Math.floor(parallel) || 1, count));
  await Promise.all(Array.from({ length: workers }, worker));
}
