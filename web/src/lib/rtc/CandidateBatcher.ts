// Collects local ICE candidates for a short window and hands them over as one batch: one signal
// message (one billed API Gateway message, one Lambda invocation) instead of one per candidate.

export const CANDIDATE_BATCH_MS = 30;

export interface CandidateBatcher {
  add(candidate: RTCIceCandidateInit): void;
  /** Drops what is pending; nothing more is handed over until the next add. */
  dispose(): void;
}

export function createCandidateBatcher(flush: (candidates: RTCIceCandidateInit[]) => void): CandidateBatcher {
  let pending: RTCIceCandidateInit[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const batcher: CandidateBatcher = {
    add(candidate) {
      pending.push(candidate);
      timer ??= setTimeout(() => {
        const batch = pending;
        batcher.dispose();
        flush(batch);
      }, CANDIDATE_BATCH_MS);
    },
    dispose() {
      clearTimeout(timer);
      timer = undefined;
      pending = [];
    },
  };
  return batcher;
}
