// A client's-eye view of a running local stack: call its HTTP API, sign in as a user or a guest, open
// sockets, join meetings. Used by the node tests and the benches.
import type { AuthResponse } from '../../functions/protocol/index.js';
import type { LocalStack } from '../../local/stack.js';
import { SocketClient } from './socket-client.js';

export interface ApiResult<T = any> {
  status: number;
  body: T;
}

export class TestStack {
  /** Set in beforeAll. */
  stack!: LocalStack;

  get url() {
    return this.stack.url;
  }

  async api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<ApiResult<T>> {
    const res = await fetch(`${this.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async guest(name = 'Guest'): Promise<AuthResponse> {
    const res = await this.api<AuthResponse>('POST', '/auth/guest', { name });
    if (res.status !== 200) throw new Error(`guest sign-in failed: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  #accounts = 0;
  async account(name = 'Ada'): Promise<AuthResponse> {
    const email = `${name.toLowerCase()}-${++this.#accounts}-${Date.now()}@example.com`;
    const res = await this.api<AuthResponse>('POST', '/auth/register', { email, password: 'correct horse', name });
    if (res.status !== 201) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async meeting(token: string, title?: string): Promise<string> {
    const res = await this.api('POST', '/meetings', title ? { title } : {}, token);
    if (res.status !== 201) throw new Error(`create meeting failed: ${JSON.stringify(res.body)}`);
    return res.body.meeting.code as string;
  }

  socketUrl(token?: string): string {
    return `${this.url.replace(/^http/, 'ws')}/ws${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
  }

  connect(token: string): Promise<SocketClient> {
    return SocketClient.open(this.socketUrl(token));
  }

  /** Closes sockets and waits until their $disconnect handlers have run. */
  async hangUp(...clients: SocketClient[]): Promise<void> {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed()));
    await this.stack.gateway.settle();
  }

  /** A meeting hosted by an account, with two guests (Ann, then Ben) in it; Ann has seen Ben arrive. */
  async meetingWithTwo(title?: string) {
    const host = await this.account('Host');
    const code = await this.meeting(host.token, title);
    const a = await this.joined(code, 'Ann');
    const b = await this.joined(code, 'Ben');
    /** Ben's seat as Ann was told of it. */
    const { peer: benSeat } = await a.client.next('peer-joined');
    return { code, a, b, benSeat };
  }

  /** A guest socket that has joined `code`; returns it with its `joined` message. */
  async joined(code: string, name = 'Guest') {
    const { token } = await this.guest(name);
    const client = await this.connect(token);
    client.send({ action: 'join', meeting: code });
    const joined = await client.next('joined');
    return { client, joined, token };
  }
}

