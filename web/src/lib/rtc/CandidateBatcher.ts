// Collects local ICE candidates for a short window and hands them over as one batch: one signal
// message (one billed API Gateway message, one Lambda invocation) instead of one per candidate.

export const CANDIDATE_BATCH_MS = 30;

export class CandidateBatcher {
  #pending: RTCIceCandidateInit[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #flush: (candidates: RTCIceCandidateInit[]) => void;
  readonly #windowMs: number;

  constructor(flush: (candidates: RTCIceCandidateInit[]) => void, windowMs = CANDIDATE_BATCH_MS) {
    this.#flush = flush;
    this.#windowMs = windowMs;
  }

  add(candidate: RTCIceCandidateInit): void {
    this.#pending.push(candidate);
    this.#timer ??= setTimeout(() => this.flush(), this.#windowMs);
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#flush(batch);
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = [];
  }
}
