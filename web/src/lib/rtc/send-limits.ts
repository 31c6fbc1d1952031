// How hard each sender may push, by how many peers it sends to. In a mesh the upload is
// (peers x per-peer bitrate), so per-peer caps fall as the meeting grows: a 6-person meeting sends
// five copies of the camera. Figures start from libwebrtc's own defaults (360p ~700 kbps).
import type { MediaSlot } from './PeerLink.js';

/** A slot's tiers all set the same caps: they are merged into the encoding, so a cap one tier left out would keep the last tier's value. */
export interface SendLimit {
  maxBitrate: number;
  scaleResolutionDownBy?: number;
  maxFramerate?: number;
}

export function cameraLimit(peerCount: number): SendLimit {
  if (peerCount <= 1) return { maxBitrate: 1_200_000, scaleResolutionDownBy: 1, maxFramerate: 30 };
  if (peerCount <= 2) return { maxBitrate: 700_000, scaleResolutionDownBy: 1, maxFramerate: 30 };
  if (peerCount <= 4) return { maxBitrate: 400_000, scaleResolutionDownBy: 1.5, maxFramerate: 30 };
  return { maxBitrate: 250_000, scaleResolutionDownBy: 2, maxFramerate: 20 };
}

/** Screens keep their resolution (text must stay legible); frame rate and bitrate give way instead. */
export function screenLimit(peerCount: number): SendLimit {
  if (peerCount <= 1) return { maxBitrate: 2_500_000, maxFramerate: 30 };
  if (peerCount <= 3) return { maxBitrate: 1_500_000, maxFramerate: 15 };
  return { maxBitrate: 800_000, maxFramerate: 10 };
}

/** The caps for what we send in `slot` to each of `peerCount` peers (audio: a flat 48 kbps). */
export function sendLimit(slot: MediaSlot, peerCount: number): SendLimit {
  return slot === 'camera' ? cameraLimit(peerCount) : slot === 'screen' ? screenLimit(peerCount) : { maxBitrate: 48_000 };
}
