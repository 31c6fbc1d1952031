// `npm start`'s entry as a user runs it: a separate process that prints its URL and serves the product there.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm start', () => {
  it('prints one URL that serves /config.json, the HTTP API and the WebSocket, and stops on SIGTERM', async () => {
    // One process (not npx -> tsx -> node), so that the signal reaches the server itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', '--in-memory'], {
      env: { ...process.env, PORT: '0', BCRYPT_COST: '4' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /running at (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const config = await fetch(`${url}/config.json`).then((r) => r.json());
      expect(config).toEqual({ apiUrl: '/api', wsUrl: '/ws', iceServers: [] });
      const guest = await fetch(`${url}/api/auth/guest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Newcomer' }),
      });
      expect(guest.status).toBe(200);
      for (const path of ['/m/abc-defg-hij', '/m/%E0%A4%A']) {
        const page = await fetch(`${url}${path}`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
