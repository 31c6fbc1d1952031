// Where the stack finds things on disk. Resolved from this file, not the working directory, so the CDK CLI,
// vitest and tsx all see the same paths whatever directory they were started from.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const paths = {
  repoRoot,
  /** One module per handler: functions/handlers/<name>.ts exporting `handler`. */
  handlersDir: join(repoRoot, 'functions', 'handlers'),
  /** NodejsFunction hashes this to know when dependencies changed. */
  lockFile: join(repoRoot, 'package-lock.json'),
  /** SvelteKit adapter-static output (`npm run build:web`). */
  webBuildDir: join(repoRoot, 'web', 'build'),
};
