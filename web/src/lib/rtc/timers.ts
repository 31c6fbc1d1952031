// Timeouts that can be cancelled one by one or all at once, when a socket or a connection closes.
export type Timer = ReturnType<typeof setTimeout>;

export interface Timers {
  /** Runs `fn` after `ms` unless cleared first. */
  add(ms: number, fn: () => void): Timer;
  /** Clears `timer` (every timer when omitted); returns null, for `x = timers.clear(x)`. */
  clear(timer?: Timer | null): null;
}

export function createTimers(): Timers {
  const all = new Set<Timer>();
  return {
    add(ms, fn) {
      const timer = setTimeout(() => {
        all.delete(timer);
        fn();
      }, ms);
      all.add(timer);
      return timer;
    },
    clear(timer) {
      for (const t of timer === undefined ? [...all] : [timer]) {
        if (!t) continue;
        clearTimeout(t);
        all.delete(t);
      }
      return null;
    },
  };
}
