// What the room shows, as a flat list of tiles: everyone's camera (ours first) and every screen share.
import type { LinkHealth } from '$lib/rtc/PeerLink.js';
import type { ParticipantView } from '$lib/state/participant.svelte.js';

export interface TileModel {
  key: string;
  id: string;
  kind: 'camera' | 'screen';
  name: string;
  /** Accessible name and caption. */
  label: string;
  track: MediaStreamTrack | null;
  videoOn: boolean;
  audioOn: boolean;
  speaking: boolean;
  active: boolean;
  health: LinkHealth;
  self: boolean;
}

export interface SelfInput {
  id: string;
  name: string;
  camera: MediaStreamTrack | null;
  cameraOn: boolean;
  micOn: boolean;
  speaking: boolean;
  screen: MediaStreamTrack | null;
}

export function buildTiles(self: SelfInput, participants: readonly ParticipantView[], activeSpeaker: string | null): TileModel[] {
  const tiles: TileModel[] = [];
  const screens: TileModel[] = [];
  tiles.push({
    key: `${self.id}:camera`,
    id: self.id,
    kind: 'camera',
    name: self.name,
    label: `${self.name} (You)`,
    track: self.camera,
    videoOn: self.cameraOn,
    audioOn: self.micOn,
    speaking: self.speaking,
    active: activeSpeaker === self.id,
    health: 'connected',
    self: true,
  });
  if (self.screen) {
    screens.push({ ...tiles[0]!, key: `${self.id}:screen`, kind: 'screen', label: 'You are presenting', track: self.screen, videoOn: true });
  }
  for (const p of participants) {
    const camera: TileModel = {
      key: `${p.id}:camera`,
      id: p.id,
      kind: 'camera',
      name: p.name,
      label: p.name,
      track: p.cameraTrack,
      videoOn: p.videoOn,
      audioOn: p.audioOn,
      speaking: p.speaking,
      active: activeSpeaker === p.id,
      health: p.health,
      self: false,
    };
    tiles.push(camera);
    if (p.screenTrack) {
      // Someone else's screen goes first: it is what everyone came to see.
      screens.unshift({ ...camera, key: `${p.id}:screen`, kind: 'screen', label: `${p.name} (presenting)`, track: p.screenTrack, videoOn: true });
    }
  }
  return [...screens, ...tiles];
}
