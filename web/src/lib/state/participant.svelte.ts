// One remote participant as the UI shows it: name, media, mute/camera indicators, connection health.
// Refreshed from the Room's RemoteParticipant whenever its link reports a change.
import type { LinkHealth } from '$lib/rtc/PeerLink.js';
import type { RemoteParticipant } from '$lib/rtc/Room.js';

export class ParticipantView {
  readonly id: string;
  #name = $state.raw('');
  #guest = $state.raw(false);
  #joinedAt = $state.raw(0);
  #audioOn = $state.raw(false);
  #videoOn = $state.raw(false);
  #audio = $state.raw<MediaStreamTrack | null>(null);
  #camera = $state.raw<MediaStreamTrack | null>(null);
  #screen = $state.raw<MediaStreamTrack | null>(null);
  #health = $state.raw<LinkHealth>('connecting');
  #speaking = $state.raw(false);

  constructor(participant: RemoteParticipant) {
    this.id = participant.id;
    this.update(participant);
  }

  get name(): string {
    return this.#name;
  }
  get guest(): boolean {
    return this.#guest;
  }
  get joinedAt(): number {
    return this.#joinedAt;
  }
  get audioOn(): boolean {
    return this.#audioOn;
  }
  get videoOn(): boolean {
    return this.#videoOn && this.#camera !== null;
  }
  get audioTrack(): MediaStreamTrack | null {
    return this.#audio;
  }
  get cameraTrack(): MediaStreamTrack | null {
    return this.#camera;
  }
  get screenTrack(): MediaStreamTrack | null {
    return this.#screen;
  }
  get health(): LinkHealth {
    return this.#health;
  }
  get speaking(): boolean {
    return this.#speaking;
  }
  set speaking(value: boolean) {
    if (this.#speaking !== value) this.#speaking = value;
  }

  update(participant: RemoteParticipant): void {
    const { info, link } = participant;
    this.#name = info?.name ?? 'Someone';
    this.#guest = info?.guest ?? false;
    this.#joinedAt = info?.joinedAt ?? 0;
    this.#audioOn = link.remoteState.audio;
    this.#videoOn = link.remoteState.video;
    this.#audio = link.media.audio;
    this.#camera = link.media.camera;
    this.#screen = link.remoteState.screen ? link.media.screen : null;
    // A participant whose signalling dropped shows as reconnecting even while their media still flows.
    this.#health = participant.away && link.health === 'connected' ? 'reconnecting' : link.health;
  }
}
