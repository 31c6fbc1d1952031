// What one peer puts in `signal.data` for another (the shared protocol's SignalPayload): descriptions
// numbered by `seq` (see DescriptionSequencer), candidate batches, and the sender's media state
// (mic, camera, screen share), which rides `state` so the other side can show indicators.
import type { SignalPayload } from '$protocol/messages.js';

export type PeerSignal = SignalPayload;

export type PeerMediaState = {
  /** Bumped on every change so a late, older state never overwrites a newer one. */
  rev: number;
  audio: boolean;
  video: boolean;
  /** Id of the MediaStream the screen share is sent in, or null when not sharing. */
  screen: string | null;
};

export const INITIAL_MEDIA_STATE: PeerMediaState = { rev: 0, audio: false, video: false, screen: null };

/** Reads a peer's `state` leniently: unknown or malformed fields keep their defaults. */
export function readMediaState(state: Record<string, unknown>): PeerMediaState {
  return {
    rev: typeof state.rev === 'number' ? state.rev : 0,
    audio: state.audio === true,
    video: state.video === true,
    screen: typeof state.screen === 'string' ? state.screen : null,
  };
}
