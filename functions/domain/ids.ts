// Random identifiers: user ids, meeting codes, peer ids, chat ids. Crypto-random so they cannot be guessed.
import { randomBytes, randomInt } from 'node:crypto';

export const newId = (prefix: string, bytes = 12) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

const letters = 'abcdefghijklmnopqrstuvwxyz';
const word = (n: number) => Array.from({ length: n }, () => letters[randomInt(letters.length)]).join('');

/** abc-defg-hij: 26^10 ≈ 1.4e14 codes, short enough to read out over the phone. */
export const newMeetingCode = () => `${word(3)}-${word(4)}-${word(3)}`;

/** Peer ids carry their meeting code so a relay can find the target with one read (docs/data-model.md). */
export const newPeerId = (meeting: string) => `${meeting}.${randomBytes(9).toString('base64url')}`;
export const meetingOfPeer = (peerId: string) => {
  const dot = peerId.lastIndexOf('.');
  return dot > 0 ? peerId.slice(0, dot) : undefined;
};
