// Wraps adapter-static so the built pages carry no inline script: SvelteKit's bootstrap <script> is moved
// into an external, content-hashed file. The deployed CSP is `script-src 'self'`, which forbids inline
// scripts and would need a new hash on every build otherwise.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import staticAdapter from '@sveltejs/adapter-static';

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

/** @param {import('@sveltejs/adapter-static').AdapterOptions & { pages: string }} options */
export default function cspAdapter(options) {
  const inner = staticAdapter(options);
  return {
    ...inner,
    name: 'meshmeet-csp-static',
    /** @param {import('@sveltejs/kit').Builder} builder */
    async adapt(builder) {
      await inner.adapt(builder);
      const written = externalizeInlineScripts(options.pages, builder.config.kit.appDir);
      builder.log.minor(`Moved ${written} inline bootstrap script(s) to external files`);
    },
  };
}

/** Rewrites every .html file under `root`; returns how many scripts were moved. */
function externalizeInlineScripts(root, appDir) {
  let moved = 0;
  for (const file of htmlFiles(root)) {
    const html = readFileSync(file, 'utf8');
    const rewritten = html.replace(INLINE_SCRIPT, (_, body) => {
      const code = body.trim() + '\n';
      const hash = createHash('sha256').update(code).digest('base64url').slice(0, 10);
      const dir = join(root, appDir, 'immutable', 'entry');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `boot.${hash}.js`), code);
      moved++;
      // A classic (non-module) script keeps `document.currentScript`, which the bootstrap code reads.
      return `<script src="/${appDir}/immutable/entry/boot.${hash}.js"></script>`;
    });
    if (rewritten !== html) writeFileSync(file, rewritten);
  }
  return moved;
}

function* htmlFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith('.html')) yield path;
  }
}
