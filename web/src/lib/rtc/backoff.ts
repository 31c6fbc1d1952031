// Reconnect delays: exponential backoff with jitter, so a crowd of clients cut off at once (a deploy,
// a network blip) does not come back in lock step.

export interface BackoffOptions {
  /** Delay before the first retry, in ms. Small: most drops are one-off. */
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 300, maxMs: 15_000, factor: 2 };

/** Delay before retry number `attempt` (0-based): a random point in the upper half of the window. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
