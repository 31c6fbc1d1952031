// Serves the built web client the way S3 + CloudFront do: files as they are, and the SPA fallback page
// for any other path (meeting URLs such as /m/abc-defg-hij), plus /config.json.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { ClientConfig } from '../functions/protocol/index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const FALLBACKS = ['200.html', 'index.html'];

export class StaticSite {
  readonly #root: string;

  constructor(
    root: string,
    private readonly config: ClientConfig,
  ) {
    this.#root = resolve(root);
  }

  async serve(path: string, res: ServerResponse): Promise<void> {
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(this.config));
      return;
    }
    const file = await this.#find(path);
    if (!file) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><title>Meshmeet</title><p>The Meshmeet API is running here, but the web client is not built yet. ' +
          'Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p>',
      );
      return;
    }
    // Hashed build assets never change; everything else is revalidated.
    const immutable = file.includes(`${join('_app', 'immutable')}`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(file).pipe(res);
  }

  async #find(path: string): Promise<string | undefined> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      decoded = path; // a malformed escape names no file: the SPA fallback answers, as CloudFront's does
    }
    const clean = normalize(decoded).replace(/^(\.\.[/\\])+/, '');
    const candidates = [join(this.#root, clean), join(this.#root, clean, 'index.html'), join(this.#root, `${clean}.html`)];
    for (const candidate of [...candidates, ...FALLBACKS.map((f) => join(this.#root, f))]) {
      if (!candidate.startsWith(this.#root)) continue;
      const info = await stat(candidate).catch(() => undefined);
      if (info?.isFile()) return candidate;
    }
    return undefined;
  }
}
