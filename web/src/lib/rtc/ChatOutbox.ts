// Our chat messages on their way: each goes out once the one before is back, so that they are stored in
// the order written (on AWS each message is its own invocation, and two sent together may be stored, and
// stamped, the other way round). None is sent twice while the server may have it, or it would be stored
// twice; after a reconnect the server's history tells which ones never arrived, and those go again.

/** How long a message may go unanswered (a slow invocation, its echo lost) before the next goes anyway. */
const PACE_MS = 2000;

interface Outgoing {
  text: string;
  ref: string;
  /** When it went out on the current socket; 0 while it waits for one. */
  sentAt: number;
}

export interface ChatOutbox {
  /** What waits or is on its way, oldest first: shown as sending. A new list on each read. */
  readonly texts: readonly string[];
  add(text: string): void;
  /** The server is back with the message named `ref`: stored. */
  answered(ref: string | undefined): void;
  /** The server refused one of ours (with an error): the oldest sent one. */
  refused(): void;
  /** The socket went down: messages wait. */
  offline(): void;
  /** Joined again after being offline: what is in `storedRefs` arrived; what is not goes again. */
  online(storedRefs: ReadonlySet<string>): void;
  close(): void;
}

export function createChatOutbox(send: (text: string, ref: string) => void, changed: () => void): ChatOutbox {
  const outgoing: Outgoing[] = [];
  // Unique to this tab's room: the server only hands a ref back to its sender's account.
  const prefix = Math.random().toString(36).slice(2, 10);
  let count = 0;
  let online = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function sendNext(): void {
    clearTimeout(timer);
    const next = outgoing.find((m) => !m.sentAt);
    if (!online || !next) return;
    // Wait while an earlier one is still (recently) on its way.
    const wait = Math.max(0, ...outgoing.map((m) => (m.sentAt ? m.sentAt + PACE_MS - Date.now() : 0)));
    if (wait > 0) return void (timer = setTimeout(sendNext, wait));
    next.sentAt = Date.now();
    send(next.text, next.ref);
  }

  function drop(index: number): void {
    if (index < 0) return;
    outgoing.splice(index, 1);
    changed();
    sendNext();
  }

  return {
    get texts() {
      return outgoing.map((m) => m.text);
    },
    add(text) {
      outgoing.push({ text, ref: `${prefix}-${++count}`, sentAt: 0 });
      changed();
      sendNext();
    },
    answered: (ref) => drop(outgoing.findIndex((m) => m.ref === ref)),
    refused: () => drop(outgoing.findIndex((m) => m.sentAt)),
    offline() {
      online = false;
      clearTimeout(timer);
    },
    online(storedRefs) {
      for (let i = outgoing.length - 1; i >= 0; i--) {
        if (storedRefs.has(outgoing[i]!.ref)) outgoing.splice(i, 1);
        else outgoing[i]!.sentAt = 0;
      }
      online = true;
      changed();
      sendNext();
    },
    close: () => clearTimeout(timer),
  };
}
