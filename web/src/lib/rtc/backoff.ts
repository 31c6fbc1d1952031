// Reconnect delays: exponential backoff with jitter, so a crowd of clients cut off at once (a deploy,
// a network blip) does not come back in lock step.

/** Delay before the first retry, in ms. Small: most drops are one-off. */
const INITIAL_MS = 300;
const MAX_MS = 15_000;

/** Delay before retry number `attempt` (0-based): a random point in the upper half of the window. */
export function backoffDelay(attempt: number): number {
  const ceiling = Math.min(MAX_MS, INITIAL_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
