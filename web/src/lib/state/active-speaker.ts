// Picks who is speaking from audio levels sampled a few times a second. Levels are smoothed and the
// current speaker is held for a moment, so the highlight does not flicker between words or people.

const SPEAKING_LEVEL = 0.02;
const HOLD_MS = 1200;
const SMOOTHING = 0.5;

export class ActiveSpeakerDetector {
  #smoothed = new Map<string, number>();
  #current: string | null = null;
  #heardAt = 0;

  /** Feeds one sample (participant id -> level 0..1); returns who is speaking now, if anyone. */
  update(levels: ReadonlyMap<string, number>): string | null {
    const now = performance.now();
    let loudest: string | null = null;
    let loudestLevel = SPEAKING_LEVEL;
    for (const [id, level] of levels) {
      const smoothed = (this.#smoothed.get(id) ?? 0) * SMOOTHING + level * (1 - SMOOTHING);
      this.#smoothed.set(id, smoothed);
      if (smoothed > loudestLevel) {
        loudest = id;
        loudestLevel = smoothed;
      }
    }
    for (const id of this.#smoothed.keys()) if (!levels.has(id)) this.#smoothed.delete(id);
    if (loudest !== null) {
      this.#current = loudest;
      this.#heardAt = now;
    } else if (now - this.#heardAt > HOLD_MS || (this.#current !== null && !levels.has(this.#current))) {
      this.#current = null;
    }
    return this.#current;
  }

  /** Whether `id` is making sound right now (for a per-tile indicator). */
  isSpeaking(id: string): boolean {
    return (this.#smoothed.get(id) ?? 0) > SPEAKING_LEVEL;
  }
}
