// Vite reads web/tsconfig.json for the files under web/ that node tests import (the chat outbox, the Kit
// fix), and it extends web/.svelte-kit/tsconfig.json, which `svelte-kit sync` writes: a fresh clone has none
// until the first web build, so without this the node tests would fail or pass by the order files run in.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export default function setup(): void {
  if (existsSync('web/.svelte-kit/tsconfig.json')) return;
  execFileSync(resolve('node_modules/.bin/svelte-kit'), ['sync'], { cwd: 'web', stdio: 'inherit' });
}
