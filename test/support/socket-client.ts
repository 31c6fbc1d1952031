// A real WebSocket client for tests: records every server message and waits for the ones a test expects.
import WebSocket from 'ws';
import type { ServerMessage } from '../../functions/protocol/index.js';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class SocketClient {
  readonly messages: ServerMessage[] = [];
  #waiters: (() => void)[] = [];
  closeCode?: number;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Opens a socket; rejects with the HTTP status when the handshake is refused. */
  static open(url: string): Promise<SocketClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new SocketClient(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new HandshakeRefused(res.statusCode ?? 0)));
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message of this type (matching `where`) not yet taken; waits for it up to `timeoutMs`. */
  async next<T extends ServerMessage['type']>(type: T, where: (m: Of<T>) => boolean = () => true, timeoutMs = 5000): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.type === type && where(m as Of<T>));
      if (index >= 0) return this.messages.splice(index, 1)[0] as Of<T>;
      const left = deadline - Date.now();
      if (left <= 0 || this.closeCode !== undefined) {
        throw new Error(`no "${type}" message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Asserts nothing of this type arrives within `ms`. */
  async nothing(type: ServerMessage['type'], ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const found = this.messages.find((m) => m.type === type);
    if (found) throw new Error(`unexpected "${type}": ${JSON.stringify(found)}`);
  }

  closed(): Promise<number> {
    return this.closeCode !== undefined
      ? Promise.resolve(this.closeCode)
      : new Promise((resolve) => this.socket.once('close', (code) => resolve(code)));
  }

  close(): void {
    this.socket.close();
  }
}

export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with ${status}`);
  }
}
