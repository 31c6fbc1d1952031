// Puts a peer's session descriptions back in the order it sent them. On AWS every signal is its own
// Lambda invocation, so an answer and the next offer sent back to back can arrive swapped; perfect
// negotiation assumes in-order delivery and would deadlock or apply a stale description. Each
// description carries a per-link sequence number; a gap (a message lost while a socket was down) is
// waited out for a moment and then skipped.

export const DESCRIPTION_GAP_MS = 1500;

export class DescriptionSequencer<T> {
  #lastDelivered = 0;
  #waiting = new Map<number, T>();
  #gapTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #deliver: (item: T) => void;
  readonly #gapMs: number;

  constructor(deliver: (item: T) => void, gapMs = DESCRIPTION_GAP_MS) {
    this.#deliver = deliver;
    this.#gapMs = gapMs;
  }

  /** `seq` undefined: the sender does not number its messages; deliver as received. */
  push(seq: number | undefined, item: T): void {
    if (seq === undefined) return this.#deliver(item);
    if (seq <= this.#lastDelivered || this.#waiting.has(seq)) return; // stale or duplicate
    this.#waiting.set(seq, item);
    this.#drain();
  }

  #drain(): void {
    let next: T | undefined;
    while ((next = this.#waiting.get(this.#lastDelivered + 1)) !== undefined) {
      this.#waiting.delete(++this.#lastDelivered);
      this.#deliver(next);
    }
    if (this.#waiting.size === 0) {
      if (this.#gapTimer) clearTimeout(this.#gapTimer);
      this.#gapTimer = null;
    } else {
      this.#gapTimer ??= setTimeout(() => this.#skipGap(), this.#gapMs);
    }
  }

  #skipGap(): void {
    this.#gapTimer = null;
    if (this.#waiting.size === 0) return;
    this.#lastDelivered = Math.min(...this.#waiting.keys()) - 1;
    this.#drain();
  }

  dispose(): void {
    if (this.#gapTimer) clearTimeout(this.#gapTimer);
    this.#waiting.clear();
  }
}
