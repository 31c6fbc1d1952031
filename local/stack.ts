// The whole product on one machine: dynalite, the API Gateway WebSocket and HTTP API emulations running
// the very handlers the cloud runs, and the built web client with /config.json, all at one URL:
//   /            web client (SPA fallback)      /config.json   {apiUrl:"/api", wsUrl:"/ws", iceServers}
//   /api/...     HTTP API                       /ws            WebSocket API
//   /local/@connections/{id}                    management API the handlers post through (only they may:
//                                               signed with this process's key, from loopback, to 127.0.0.1)
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { IceServer } from '../functions/protocol/index.js';
import { LocalStackError } from './errors.js';
import { startDynamo } from './dynamo.js';
import { handleHttpApi } from './http-api.js';
import { StaticSite } from './static-site.js';
import { WebSocketGateway, type WebSocketGatewayOptions } from './websocket-gateway.js';

export interface LocalStackOptions extends WebSocketGatewayOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where dynalite keeps its data; null keeps it in memory. */
  dataDir?: string | null;
  /** The built web client. */
  webRoot?: string;
  bcryptCost?: number;
  iceServers?: IceServer[];
  /** Extra handler environment (MAX_PARTICIPANTS, TURN_URLS, ...). */
  environment?: Record<string, string>;
}

export interface LocalStack {
  url: string;
  gateway: WebSocketGateway;
  close(): Promise<void>;
}

const TABLE_NAME = 'meshmeet-local';

/**
 * Handlers read their configuration from process.env, as on Lambda; so one process hosts one local stack.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dynamo = await startDynamo(options.dataDir === undefined ? resolve('.data/dynalite') : options.dataDir, TABLE_NAME);
  Object.assign(process.env, {
    TABLE_NAME,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    BCRYPT_COST: String(options.bcryptCost ?? 10),
    // The handlers sign their @connections requests with it (see WebSocketGateway.handleManagement).
    LOCAL_MANAGEMENT_KEY: process.env.LOCAL_MANAGEMENT_KEY || randomBytes(12).toString('hex'),
    ...options.environment,
  });

  const gateway = new WebSocketGateway(options);
  const site = new StaticSite(options.webRoot ?? resolve('web/build'), {
    apiUrl: '/api',
    wsUrl: '/ws',
    iceServers: options.iceServers ?? [],
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const done = (e: unknown) => {
      console.error('[local stack]', e);
      if (!res.headersSent) res.writeHead(500).end();
    };
    if (gateway.handleManagement(req, res)) return;
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      handleHttpApi(req, res, url.pathname.slice(4) || '/', url.search.slice(1)).catch(done);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    site.serve(url.pathname, res).catch(done);
  });
  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://local');
    if (pathname !== '/ws') return socket.destroy();
    const address = server.address() as AddressInfo;
    gateway.upgrade(req, socket, head, `127.0.0.1:${address.port}`).catch(() => socket.destroy());
  });

  const host = options.host ?? '127.0.0.1';
  const wanted = options.port ?? 8787;
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(wanted, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  } catch (error) {
    await dynamo.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new LocalStackError(`Port ${wanted} on ${host} is in use (another Meshmeet?). Stop that, or pick another: PORT=9000 npm start`);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    gateway,
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await dynamo.close();
    },
  };
}
