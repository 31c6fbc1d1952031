// Puts a peer's session descriptions back in the order it sent them. On AWS every signal is its own
// Lambda invocation, so an answer and the next offer sent back to back can arrive swapped; perfect
// negotiation assumes in-order delivery and would deadlock or apply a stale description. Each
// description carries a per-link sequence number; a gap (a message lost while a socket was down) is
// waited out for a moment and then skipped.

export const DESCRIPTION_GAP_MS = 1500;

export interface DescriptionSequencer<T> {
  /** `seq` undefined: the sender does not number its messages; deliver as received. */
  push(seq: number | undefined, item: T): void;
  dispose(): void;
}

export function createDescriptionSequencer<T>(deliver: (item: T) => void): DescriptionSequencer<T> {
  let lastDelivered = 0;
  const waiting = new Map<number, T>();
  let gapTimer: ReturnType<typeof setTimeout> | undefined;

  function drain(): void {
    let next: T | undefined;
    while ((next = waiting.get(lastDelivered + 1)) !== undefined) {
      waiting.delete(++lastDelivered);
      deliver(next);
    }
    if (!waiting.size) return sequencer.dispose();
    gapTimer ??= setTimeout(() => {
      // Skip the gap: on with the lowest number that did arrive.
      gapTimer = undefined;
      lastDelivered = Math.min(...waiting.keys()) - 1;
      drain();
    }, DESCRIPTION_GAP_MS);
  }

  const sequencer: DescriptionSequencer<T> = {
    push(seq, item) {
      if (seq === undefined) return deliver(item);
      if (seq <= lastDelivered || waiting.has(seq)) return; // stale or duplicate
      waiting.set(seq, item);
      drain();
    },
    dispose() {
      clearTimeout(gapTimer);
      gapTimer = undefined;
      waiting.clear();
    },
  };
  return sequencer;
}
