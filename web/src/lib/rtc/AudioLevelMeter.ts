// Loudness of a local audio track (0..1) for the pre-join meter and for "you are speaking".
// Remote loudness comes from the receivers instead (PeerLink.audioLevel), which costs nothing.

export class AudioLevelMeter {
  readonly #context: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #analyser: AnalyserNode;
  readonly #samples: Float32Array<ArrayBuffer>;

  constructor(track: MediaStreamTrack) {
    this.#context = new AudioContext();
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 512;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#source.connect(this.#analyser);
    // Browsers start an AudioContext suspended until the user interacts with the page.
    if (this.#context.state === 'suspended') {
      const resume = (): void => void this.#context.resume();
      addEventListener('pointerdown', resume, { once: true, capture: true });
      addEventListener('keydown', resume, { once: true, capture: true });
    }
  }

  /** Current level, 0..1, scaled so normal speech reaches the upper half. */
  level(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    const rms = Math.sqrt(sum / this.#samples.length);
    return Math.min(1, rms * 4);
  }

  close(): void {
    this.#source.disconnect();
    void this.#context.close();
  }
}
