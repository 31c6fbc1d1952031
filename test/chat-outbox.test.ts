// The client's chat outbox on its own (plain TypeScript, no browser needed): messages go out one at a
// time, in order, and never twice while the server may have them. The browser tests show the same end to end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatOutbox } from '../web/src/lib/rtc/ChatOutbox.js';

function outboxWithLog() {
  const sent: { text: string; ref: string }[] = [];
  const outbox = createChatOutbox(
    (text, ref) => sent.push({ text, ref }),
    () => {},
  );
  return { outbox, sent, texts: () => sent.map((m) => m.text) };
}

describe('chat outbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends each message once the one before is back, in the order written', () => {
    const { outbox, sent, texts } = outboxWithLog();
    outbox.online(new Set());
    outbox.add('one');
    outbox.add('two');
    outbox.add('three');
    expect(texts()).toEqual(['one']);
    expect(outbox.texts).toEqual(['one', 'two', 'three']);
    outbox.answered(sent[0]!.ref);
    expect(texts()).toEqual(['one', 'two']);
    // An answer to something else (another tab of the account, a repeat) moves nothing.
    outbox.answered('someone-else-1');
    outbox.answered(sent[0]!.ref);
    expect(texts()).toEqual(['one', 'two']);
    outbox.answered(sent[1]!.ref);
    outbox.answered(sent[2]!.ref);
    expect(texts()).toEqual(['one', 'two', 'three']);
    expect(outbox.texts).toEqual([]);
  });

  it('lets the next go after 2 s without an answer, and never sends one twice while online', () => {
    const { outbox, sent, texts } = outboxWithLog();
    outbox.online(new Set());
    outbox.add('slow');
    outbox.add('next');
    vi.advanceTimersByTime(1999);
    expect(texts()).toEqual(['slow']);
    vi.advanceTimersByTime(1);
    expect(texts()).toEqual(['slow', 'next']);
    vi.advanceTimersByTime(60_000);
    expect(texts()).toEqual(['slow', 'next']);
    expect(new Set(sent.map((m) => m.ref)).size).toBe(2);
  });

  it('holds messages while offline, and on return resends only what the history lacks', () => {
    const { outbox, sent, texts } = outboxWithLog();
    outbox.online(new Set());
    outbox.add('stored before the drop');
    outbox.add('lost in the drop');
    vi.advanceTimersByTime(2000);
    outbox.offline();
    outbox.add('typed while away');
    vi.advanceTimersByTime(10_000);
    expect(texts()).toEqual(['stored before the drop', 'lost in the drop']);
    // Back: the history has the first (its echo was lost with the socket), not the second.
    outbox.online(new Set([sent[0]!.ref]));
    expect(outbox.texts).toEqual(['lost in the drop', 'typed while away']);
    expect(texts()).toEqual(['stored before the drop', 'lost in the drop', 'lost in the drop']);
    outbox.answered(sent[1]!.ref);
    expect(texts().at(-1)).toBe('typed while away');
  });

  it('drops the oldest message on its way when the server refuses one', () => {
    const { outbox, texts } = outboxWithLog();
    outbox.online(new Set());
    outbox.add('refused');
    outbox.add('fine');
    outbox.refused();
    expect(outbox.texts).toEqual(['fine']);
    expect(texts()).toEqual(['refused', 'fine']);
  });
});
