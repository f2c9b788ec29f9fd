/**
 * Counts the process's live handles by kind (sockets, servers, timers, child processes) through
 * Node's `process._getActiveHandles()`, the same view `why-is-node-running` uses. Tests compare
 * counts before and after a session to prove everything it started was stopped.
 */
export function activeHandleCounts(): Record<string, number> {
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
  const counts: Record<string, number> = {};
  for (const handle of handles) {
    const kind = handle.constructor?.name ?? 'unknown';
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Waits until the handle counts drop back to `baseline` (closing sockets takes a tick or two). */
export async function waitForHandles(baseline: Record<string, number>, timeoutMs = 5000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let now = activeHandleCounts();
  while (Date.now() < deadline) {
    const extra = Object.entries(now).filter(([kind, count]) => count > (baseline[kind] ?? 0));
    if (extra.length === 0) return now;
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = activeHandleCounts();
  }
  return now;
}
