// Loudness of a local audio track (0..1) for the pre-join meter and for "you are speaking".
// Remote loudness comes from the receivers instead (PeerLink.audioLevel), which costs nothing.

export interface AudioLevelMeter {
  /** Current level, 0..1, scaled so normal speech reaches the upper half. */
  level(): number;
  close(): void;
}

export function createAudioLevelMeter(track: MediaStreamTrack): AudioLevelMeter {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  const samples = new Float32Array(analyser.fftSize);
  source.connect(analyser);
  // Browsers start an AudioContext suspended until the user interacts with the page.
  if (context.state === 'suspended') {
    const resume = (): void => void context.resume();
    addEventListener('pointerdown', resume, { once: true, capture: true });
    addEventListener('keydown', resume, { once: true, capture: true });
  }
  return {
    level() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      return Math.min(1, Math.sqrt(sum / samples.length) * 4);
    },
    close() {
      source.disconnect();
      void context.close();
    },
  };
}
