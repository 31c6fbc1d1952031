// A local API Gateway WebSocket API: runs the $connect authorizer and the route handlers from the route
// table, routes on $request.body.action, hands the authorizer's context to every later route, enforces
// the 32 KB frame limit (close 1009), the idle timeout and the 2-hour cap, and serves the @connections
// management API so the real SDK client works against it (410 + GoneException for gone connections,
// 413 + PayloadTooLargeException for a post over 128 KB).
// Like AWS, every message is its own concurrent invocation: nothing orders two messages of one socket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_CONNECTION_MS, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../functions/protocol/index.js';
import { routeSelectionExpression, webSocketAuthorizer, webSocketRoutes } from '../functions/routes.js';
import { loadHandler } from './handlers.js';
import {
  STAGE,
  authorizerEvent,
  awsId,
  connectEvent,
  disconnectEvent,
  messageEvent,
  type SocketInfo,
} from './lambda-events.js';

export interface WebSocketGatewayOptions {
  /** Adds a random delay of up to this many ms to each invocation, so tests can prove clients tolerate reordering. */
  invokeDelayMs?: number;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
}

interface Connection {
  info: SocketInfo;
  socket: WebSocket;
  lastActiveAt: number;
  timers: NodeJS.Timeout[];
}

const MESSAGE_ROUTES = new Map(webSocketRoutes.map((r) => [r.routeKey, r.handler]));
const handlerFor = (routeKey: string) => MESSAGE_ROUTES.get(routeKey);
if (routeSelectionExpression !== '$request.body.action') throw new Error('the local gateway routes on body.action only');

export class WebSocketGateway {
  /**
   * API Gateway closes with 1009 a frame over 32 KB, and a message over 128 KB sent in several frames. `ws`
   * limits whole messages only, so the limit here is one frame's: browsers never split a message, so for
   * them this is exactly AWS's rule; a split message of 32–128 KB, which AWS accepts, is refused here.
   */
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  readonly #connections = new Map<string, Connection>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #silenced = new Set<string>();
  readonly #refusals = new Map<string, { status: number; type: string; times: number; usedUp: () => void }>();
  readonly #holds = new Map<string, string[]>();

  constructor(private readonly options: WebSocketGatewayOptions = {}) {}

  connectionIds(): string[] {
    return [...this.#connections.keys()];
  }

  /** Closes a socket from the server side, as API Gateway does on DeleteConnection or a timeout. */
  disconnect(connectionId: string, code = 1001, reason = 'Going away'): boolean {
    const connection = this.#connections.get(connectionId);
    connection?.socket.close(code, reason);
    return !!connection;
  }

  /**
   * Closes a socket but never runs $disconnect, as when AWS fails to deliver it (it is best effort):
   * the records stay behind until a send to the connection meets 410 Gone.
   */
  drop(connectionId: string): boolean {
    this.#silenced.add(connectionId);
    return this.disconnect(connectionId);
  }

  /**
   * Answers the next `times` PostToConnection requests to this connection with an error instead of
   * delivering them, so tests can see what the handlers do when a send fails. The SDK retries a 429 or a
   * 5xx (3 attempts in all): a send fails only once every attempt was refused. Resolves once all were used.
   */
  refuseNextPost(connectionId: string, status: number, type: string, times = 1): Promise<void> {
    return new Promise((usedUp) => this.#refusals.set(connectionId, { status, type, times, usedUp }));
  }

  /**
   * Holds back what is posted to this connection (the posts succeed) until the returned function lets it
   * through, in the order given: tests make messages from separate invocations arrive the other way round,
   * as they can on AWS when the invocations take different times.
   */
  holdDeliveries(connectionId: string): { readonly held: readonly string[]; release(order?: 'as-posted' | 'reversed'): void } {
    const held: string[] = [];
    this.#holds.set(connectionId, held);
    return {
      held,
      release: (order = 'as-posted') => {
        this.#holds.delete(connectionId);
        const socket = this.#connections.get(connectionId)?.socket;
        for (const data of order === 'reversed' ? [...held].reverse() : held) socket?.send(data);
      },
    };
  }

  /** Waits for invocations in flight (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  async close(): Promise<void> {
    const closed = [...this.#connections.values()].map(
      (c) => new Promise<void>((resolve) => (c.socket.once('close', () => resolve()), c.socket.terminate())),
    );
    await Promise.all(closed); // each close queues its $disconnect, which settle() then waits for
    await this.settle();
    this.#wss.close();
  }

  /** HTTP upgrade on the WebSocket path: authorize, run $connect, then accept or refuse the handshake. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, domainName: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const query = Object.fromEntries(url.searchParams);
    const headers = headerMap(req);
    const info: SocketInfo = {
      connectionId: awsId(),
      connectedAt: Date.now(),
      domainName,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      ...(headers['User-Agent'] ? { userAgent: headers['User-Agent'] } : {}),
    };
    const refuse = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"${message}"}`);
    };

    // Like API Gateway: a missing identity source is refused with 401 before the authorizer runs.
    if (!query[webSocketAuthorizer.tokenQueryParameter]) return refuse(401, 'Unauthorized');
    try {
      const authorize = await loadHandler(webSocketAuthorizer.handler);
      const result = (await authorize(authorizerEvent(info, headers, query))) as AuthorizerResult;
      if (!result?.principalId || !allows(result)) return refuse(403, 'Forbidden');
      info.authorizer = { principalId: result.principalId, ...stringify(result.context ?? {}) };
    } catch (e) {
      return (e as Error)?.message === 'Unauthorized' ? refuse(401, 'Unauthorized') : refuse(500, 'Internal Server Error');
    }
    try {
      const connect = await loadHandler(handlerFor('$connect') ?? 'ws-connect');
      const result = (await connect(connectEvent(info, headers, query))) as { statusCode?: number } | undefined;
      const status = result?.statusCode ?? 200;
      if (status < 200 || status > 299) return refuse(status, 'Refused');
    } catch {
      return refuse(502, 'Bad Gateway');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, info));
  }

  #accept(socket: WebSocket, info: SocketInfo): void {
    const connection: Connection = { info, socket, lastActiveAt: Date.now(), timers: [] };
    this.#connections.set(info.connectionId, connection);
    this.#armIdleTimer(connection);
    connection.timers.push(
      setTimeout(() => socket.close(1001, 'Going away'), this.options.maxConnectionMs ?? MAX_CONNECTION_MS).unref(),
    );

    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(1003, 'Binary frames are not supported');
      this.#touch(connection);
      const body = data.toString();
      const routeKey = selectRoute(body);
      this.#invoke(info.connectionId, routeKey, messageEvent(info, routeKey, body));
    });
    socket.on('close', (code, reason) => {
      for (const t of connection.timers) clearTimeout(t);
      this.#connections.delete(info.connectionId);
      if (this.#silenced.delete(info.connectionId)) return;
      const text = reason.toString() || (code === 1000 ? 'Connection Closed Normally' : 'Client-side close frame status not set');
      this.#invoke(info.connectionId, '$disconnect', disconnectEvent(info, code, text));
    });
    socket.on('error', () => socket.terminate());
  }

  #invoke(connectionId: string, routeKey: string, event: unknown): void {
    const run = async () => {
      const delay = this.options.invokeDelayMs;
      if (delay) await new Promise((r) => setTimeout(r, Math.random() * delay));
      const name = handlerFor(routeKey);
      if (!name) return this.#post(connectionId, { message: 'Forbidden', connectionId, requestId: awsId() });
      try {
        await (await loadHandler(name))(event);
      } catch (e) {
        console.error(`[local gateway] ${routeKey} handler failed:`, e);
        if (routeKey !== '$disconnect') {
          this.#post(connectionId, { message: 'Internal server error', connectionId, requestId: awsId() });
        }
      }
    };
    const pending = run();
    this.#pending.add(pending);
    void pending.finally(() => this.#pending.delete(pending));
  }

  #post(connectionId: string, message: unknown): void {
    this.#connections.get(connectionId)?.socket.send(JSON.stringify(message));
  }

  #touch(connection: Connection): void {
    connection.lastActiveAt = Date.now();
  }

  #armIdleTimer(connection: Connection): void {
    const idle = this.options.idleTimeoutMs ?? 10 * 60 * 1000;
    const check = () => {
      const quiet = Date.now() - connection.lastActiveAt;
      if (quiet >= idle) connection.socket.close(1001, 'Going away');
      else connection.timers.push(setTimeout(check, idle - quiet).unref());
    };
    connection.timers.push(setTimeout(check, idle).unref());
  }

  /**
   * The @connections management API: POST sends, GET describes, DELETE closes. Returns false when the
   * request is not for it. Paths: /{stage}/@connections/{url-encoded connection id}.
   */
  handleManagement(req: IncomingMessage, res: ServerResponse): boolean {
    const match = new RegExp(`^/${STAGE}/@connections/([^/?]+)`).exec(req.url ?? '');
    if (!match) return false;
    const error = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
      res.end(JSON.stringify({ message }));
    };
    // On AWS only a caller with IAM rights may post to a client. Here: only our own handlers, which run in
    // this process and sign with its key (LOCAL_MANAGEMENT_KEY, made at start), from loopback, to the
    // loopback address they are given. Not a page in a browser (its Host is its own site's name, even when
    // a rebinding DNS points it at this machine), nor another machine, even through a proxy on this one.
    if (!fromOwnHandlers(req)) {
      error(403, 'ForbiddenException', 'Only the handlers of this local stack may use @connections');
      return true;
    }
    let connectionId: string;
    try {
      connectionId = decodeURIComponent(match[1]!);
    } catch {
      error(400, 'BadRequestException', 'Invalid connection id');
      return true;
    }
    const connection = this.#connections.get(connectionId);
    const gone = () => error(410, 'GoneException', `Connection ${connectionId} is gone`);

    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const data = Buffer.concat(chunks);
        if (data.length > MAX_MESSAGE_BYTES) return error(413, 'PayloadTooLargeException', 'Message too long');
        const refusal = this.#refusals.get(connectionId);
        if (refusal) {
          if (--refusal.times === 0 && this.#refusals.delete(connectionId)) refusal.usedUp();
          return error(refusal.status, refusal.type, 'Refused for a test');
        }
        if (!connection || connection.socket.readyState !== WebSocket.OPEN) return gone();
        this.#touch(connection);
        const held = this.#holds.get(connectionId);
        if (held) held.push(data.toString('utf8'));
        else connection.socket.send(data.toString('utf8'));
        res.writeHead(200).end();
      });
      return true;
    }
    if (!connection) {
      gone();
      return true;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          connectedAt: new Date(connection.info.connectedAt).toISOString(),
          identity: { sourceIp: connection.info.sourceIp, userAgent: connection.info.userAgent ?? '' },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        }),
      );
    } else if (req.method === 'DELETE') {
      connection.socket.close(1000, 'Connection Closed Normally');
      res.writeHead(204).end();
    } else {
      error(400, 'BadRequestException', 'Unsupported method');
    }
    return true;
  }
}

interface AuthorizerResult {
  principalId?: string;
  policyDocument?: { Statement?: { Effect?: string }[] };
  context?: Record<string, unknown>;
}

const allows = (r: AuthorizerResult) =>
  !!r.policyDocument?.Statement?.length && r.policyDocument.Statement.every((s) => s.Effect === 'Allow');

const stringify = (context: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(context).map(([k, v]) => [k, String(v)]));

/** $request.body.action: a known route key, else $default (non-JSON, missing or unknown action). */
function selectRoute(body: string): string {
  try {
    const action = (JSON.parse(body) as { action?: unknown })?.action;
    const key = typeof action === 'string' ? action : '';
    return key && !key.startsWith('$') && MESSAGE_ROUTES.has(key) ? key : '$default';
  } catch {
    return '$default';
  }
}

/** Header names as the client sent them, the way the WebSocket events carry them. */
function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) out[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
  return out;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** A request signed with this process's key, from this machine, to the loopback address handlers are given. */
function fromOwnHandlers(req: IncomingMessage): boolean {
  const key = process.env.LOCAL_MANAGEMENT_KEY;
  const host = /^127\.0\.0\.1(:\d+)?$/.test(req.headers.host ?? '');
  const signed = !!key && (req.headers.authorization ?? '').startsWith(`AWS4-HMAC-SHA256 Credential=${key}/`);
  return host && signed && LOOPBACK.test(req.socket.remoteAddress ?? '');
}
