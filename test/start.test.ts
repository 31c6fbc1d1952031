// `npm start`'s entry as a user runs it: a separate process that prints its URL and serves the product there.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm start`'s entry in a process of its own (not npx -> tsx -> node, so that a signal reaches the server). */
function start(args: string[], port = '0'): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', ...args], {
    env: { ...process.env, PORT: port, BCRYPT_COST: '4' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The URL it prints once it runs. */
function runningAt(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

/** What it prints on stderr before it exits, and its exit code; one that starts after all is stopped. */
function failure(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => void (d.toString().includes('running at') && child.kill('SIGTERM')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('npm start', () => {
  it('prints one URL that serves /config.json, the HTTP API and the WebSocket, and stops on SIGTERM', async () => {
    const child = start(['--in-memory']);
    try {
      const url = await runningAt(child);
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
      await stop(child);
    }
  });

  it('says so, in one line, when its data folder or its port is already taken by another', async () => {
    const data = mkdtempSync(join(tmpdir(), 'meshmeet-start-'));
    const first = start(['--data', data]);
    try {
      const port = new URL(await runningAt(first)).port;
      const sameData = await failure(start(['--data', data]));
      expect(sameData.code).toBe(1);
      expect(sameData.stderr.trim()).toMatch(/^Another Meshmeet \(process \d+\) is using .*--in-memory\. \(If no Meshmeet is running, .*meshmeet\.pid\.\)$/);
      const samePort = await failure(start(['--in-memory'], port));
      expect(samePort.code).toBe(1);
      expect(samePort.stderr.trim()).toBe(`Port ${port} on 127.0.0.1 is in use (another Meshmeet?). Stop that, or pick another: PORT=9000 npm start`);
      // Killed outright, the first leaves its claim on the folder behind: the next one takes it over.
      const killed = new Promise((r) => first.once('exit', r));
      first.kill('SIGKILL');
      await killed;
      const next = start(['--data', data]);
      await runningAt(next);
      await stop(next);
    } finally {
      if (first.exitCode === null && first.signalCode === null) await stop(first);
      rmSync(data, { recursive: true, force: true });
    }
  });
});
