// Four people in one meeting, three of them joining at the same moment: everyone ends up connected to
// everyone else (three RTCPeerConnections per page), with video decoding and audio arriving on each.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cameraTiles,
  expectMediaFlowing,
  joinMeeting,
  poll,
  startMeetingAsGuest,
  tileOf,
  useStackAndBrowser,
  type Participant,
} from './helpers.js';

const NAMES = ['Ann', 'Ben', 'Cleo', 'Dev'];

describe('a four-person mesh', () => {
  const suite = useStackAndBrowser();
  let people: Participant[];

  beforeAll(async () => {
    // Smaller windows: four pages render on two cores.
    people = await Promise.all(NAMES.map(() => suite.participant({ width: 800, height: 500 })));
  });

  it('connects everyone to everyone', async () => {
    const [host, ...guests] = people;
    const code = await startMeetingAsGuest(host!.page, NAMES[0]!);
    await Promise.all(guests.map((p, i) => joinMeeting(p.page, `/m/${code}`, NAMES[i + 1])));

    for (const [i, person] of people.entries()) {
      await poll(() => cameraTiles(person.page).count(), 20_000).toBe(4);
      for (const other of NAMES.filter((_, j) => j !== i)) await tileOf(person.page, other).waitFor();
    }
    await Promise.all(people.map((p) => expectMediaFlowing(p.page, 3)));
  });
});
