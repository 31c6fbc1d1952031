// Attachments that put a MediaStreamTrack on a <video> or <audio> element and keep it playing.
import type { Attachment } from 'svelte/attachments';

/** Plays `track` in the element (nothing when null). Re-runs when the track changes. */
export function playTrack(track: MediaStreamTrack | null): Attachment<HTMLMediaElement> {
  return (element) => {
    if (!track) return;
    element.srcObject = new MediaStream([track]);
    // Autoplay can be refused before the user interacts; the next click starts it.
    element.play().catch(() => addEventListener('pointerdown', () => void element.play().catch(() => {}), { once: true }));
    return () => {
      element.srcObject = null;
    };
  };
}

/** Routes an audio element to the chosen speaker, where the browser allows it. */
export function audioOutput(deviceId: string | null): Attachment<HTMLMediaElement> {
  return (element) => {
    const sink = element as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
    if (deviceId && sink.setSinkId) sink.setSinkId(deviceId).catch(() => {});
  };
}
