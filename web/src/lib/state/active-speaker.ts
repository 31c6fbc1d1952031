// Picks who is speaking from audio levels sampled a few times a second. Levels are smoothed and the
// current speaker is held for a moment, so the highlight does not flicker between words or people.

const SPEAKING_LEVEL = 0.02;
const HOLD_MS = 1200;
const SMOOTHING = 0.5;

export interface ActiveSpeakerDetector {
  /** Feeds one sample (participant id -> level 0..1); returns who is speaking now, if anyone. */
  update(levels: ReadonlyMap<string, number>): string | null;
  /** Whether `id` is making sound right now (for a per-tile indicator). */
  isSpeaking(id: string): boolean;
}

export function createActiveSpeakerDetector(): ActiveSpeakerDetector {
  const smoothed = new Map<string, number>();
  let current: string | null = null;
  let heardAt = 0;
  return {
    update(levels) {
      const now = performance.now();
      let loudest: string | null = null;
      let loudestLevel = SPEAKING_LEVEL;
      for (const [id, level] of levels) {
        const next = (smoothed.get(id) ?? 0) * SMOOTHING + level * (1 - SMOOTHING);
        smoothed.set(id, next);
        if (next > loudestLevel) {
          loudest = id;
          loudestLevel = next;
        }
      }
      for (const id of smoothed.keys()) if (!levels.has(id)) smoothed.delete(id);
      if (loudest !== null) {
        current = loudest;
        heardAt = now;
      } else if (now - heardAt > HOLD_MS || (current !== null && !levels.has(current))) {
        current = null;
      }
      return current;
    },
    isSpeaking: (id) => (smoothed.get(id) ?? 0) > SPEAKING_LEVEL,
  };
}
