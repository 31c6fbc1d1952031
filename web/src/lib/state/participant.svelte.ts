// One remote participant as the UI shows it: name, media, mute/camera indicators, connection health.
// Refreshed from the Room's RemoteParticipant whenever its link reports a change.
import type { LinkHealth } from '$lib/rtc/PeerLink.js';
import type { RemoteParticipant } from '$lib/rtc/Room.js';

export interface ParticipantView {
  readonly id: string;
  readonly name: string;
  readonly guest: boolean;
  readonly audioOn: boolean;
  readonly videoOn: boolean;
  readonly audioTrack: MediaStreamTrack | null;
  readonly cameraTrack: MediaStreamTrack | null;
  readonly screenTrack: MediaStreamTrack | null;
  readonly health: LinkHealth;
  speaking: boolean;
  update(participant: RemoteParticipant): void;
}

export function createParticipantView(participant: RemoteParticipant): ParticipantView {
  let name = $state.raw('');
  let guest = $state.raw(false);
  let audioOn = $state.raw(false);
  let videoOn = $state.raw(false);
  let audio = $state.raw<MediaStreamTrack | null>(null);
  let camera = $state.raw<MediaStreamTrack | null>(null);
  let screen = $state.raw<MediaStreamTrack | null>(null);
  let health = $state.raw<LinkHealth>('connecting');
  let speaking = $state.raw(false);

  const view: ParticipantView = {
    id: participant.id,
    get name() {
      return name;
    },
    get guest() {
      return guest;
    },
    get audioOn() {
      return audioOn;
    },
    get videoOn() {
      return videoOn && !!camera;
    },
    get audioTrack() {
      return audio;
    },
    get cameraTrack() {
      return camera;
    },
    get screenTrack() {
      return screen;
    },
    get health() {
      return health;
    },
    get speaking() {
      return speaking;
    },
    set speaking(value) {
      speaking = value;
    },
    update({ info, link, away }) {
      name = info?.name ?? 'Someone';
      guest = info?.guest ?? false;
      audioOn = link.remoteState.audio;
      videoOn = link.remoteState.video;
      audio = link.media.audio;
      camera = link.media.camera;
      screen = link.remoteState.screen ? link.media.screen : null;
      // A participant whose signalling dropped shows as reconnecting even while their media still flows.
      health = away && link.health === 'connected' ? 'reconnecting' : link.health;
    },
  };
  view.update(participant);
  return view;
}
