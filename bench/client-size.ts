// Gzipped size of the JavaScript the browser loads for the home page and for a meeting page, read from
// web/build (built first if missing), next to the floor: an empty SvelteKit app built the same way in
// this run (adapter-static, ssr off), which is what SvelteKit + Svelte cost before any app code.
//   npx tsx bench/client-size.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const TARGET_KB = 45;

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

function build(dir: string): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`build failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
}

/**
 * The JS files a page loads: the bootstrap script, SvelteKit's entries, the root layout and the page, with
 * their imports, static and dynamic (code a page loads later counts too). SvelteKit's app entry imports every
 * route's node dynamically; those are its route table, not code this page loads, so they are not followed.
 */
function pageFiles(appDir: string, buildDir: string, route: string): string[] {
  const manifest = JSON.parse(readFileSync(join(appDir, '.svelte-kit/output/client/.vite/manifest.json'), 'utf8')) as Manifest;
  const nodesDir = join(appDir, '.svelte-kit/generated/client-optimized/nodes');
  const nodeOf = (file: string) => `.svelte-kit/generated/client-optimized/nodes/${file}`;
  const pageNode = readdirSync(nodesDir).find((f) => readFileSync(join(nodesDir, f), 'utf8').includes(`src/routes${route}+page.svelte`));
  if (!pageNode) throw new Error(`no node for route ${route}`);
  const entries = Object.keys(manifest).filter((k) => k.endsWith('runtime/client/entry.js') || k.endsWith('client-optimized/app.js'));
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visit(dep);
    if (!key.endsWith('client-optimized/app.js')) for (const dep of manifest[key]?.dynamicImports ?? []) visit(dep);
  };
  for (const key of [...entries, nodeOf('0.js'), nodeOf(pageNode)]) visit(key);
  const files = [...seen].map((k) => manifest[k]!.file);
  // The bootstrap SvelteKit inlines in the HTML (moved to a file by web/csp-adapter.js).
  const entryDir = join(buildDir, '_app/immutable/entry');
  for (const f of readdirSync(entryDir)) if (f.startsWith('boot.')) files.push(`_app/immutable/entry/${f}`);
  return files.sort();
}

function measure(buildDir: string, files: string[]): { raw: number; gzip: number; brotli: number } {
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const file of files) {
    const bytes = readFileSync(join(buildDir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes).length;
  }
  return { raw, gzip, brotli };
}

/** An empty SvelteKit app with the same setup, built in a temporary folder. */
function buildBaseline(): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'meshmeet-baseline-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'src/routes'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(
    join(dir, 'svelte.config.js'),
    `import adapter from '@sveltejs/adapter-static';
export default { kit: { adapter: adapter({ fallback: '200.html' }) } };`,
  );
  // With our build-time fix to SvelteKit's client (web/kit-namespace-fix.ts), Svelte's hydration left out
  // (web/no-hydration.ts; this app is not server-rendered either) and the terser pass (web/terser-pass.ts),
  // as the app is built.
  writeFileSync(
    join(dir, 'vite.config.js'),
    `import { sveltekit } from '@sveltejs/kit/vite';
import { kitNamespaceFix } from ${JSON.stringify(join(WEB, 'kit-namespace-fix.ts'))};
import { noHydration } from ${JSON.stringify(join(WEB, 'no-hydration.ts'))};
import { terserPass } from ${JSON.stringify(join(WEB, 'terser-pass.ts'))};
export default { plugins: [kitNamespaceFix(), noHydration(), sveltekit(), terserPass()] };`,
  );
  writeFileSync(join(dir, 'src/app.html'), '<!doctype html><html><head>%sveltekit.head%</head><body><div>%sveltekit.body%</div></body></html>');
  writeFileSync(join(dir, 'src/routes/+layout.ts'), 'export const ssr = false;');
  writeFileSync(join(dir, 'src/routes/+page.ts'), 'export const prerender = true;');
  writeFileSync(join(dir, 'src/routes/+page.svelte'), '<script>let n = $state(0);</script><button onclick={() => n++}>{n}</button>');
  build(dir);
  const manifest = JSON.parse(readFileSync(join(dir, '.svelte-kit/output/client/.vite/manifest.json'), 'utf8')) as Manifest;
  const files = Object.values(manifest)
    .map((c) => c.file)
    .filter((f) => f.endsWith('.js') && !f.includes('nodes/1.') && !f.includes('error-template'));
  return { dir, files };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (!existsSync(join(WEB, 'build', '200.html'))) {
  console.log('web/build is missing: building it…');
  build(WEB);
}
const baseline = buildBaseline();
const floor = measure(join(baseline.dir, 'build'), baseline.files);
rmSync(baseline.dir, { recursive: true, force: true });

console.log(`Client JavaScript, gzip -9 (brotli in brackets); target < ${TARGET_KB} KB gzipped per page\n`);
console.log(`${'page'.padEnd(34)}${'files'.padStart(6)}${'raw'.padStart(11)}${'gzip'.padStart(11)}${'brotli'.padStart(11)}${'over floor'.padStart(13)}`);
const row = (name: string, files: number, m: { raw: number; gzip: number; brotli: number }, extra = '') =>
  console.log(`${name.padEnd(34)}${String(files).padStart(6)}${kb(m.raw).padStart(11)}${kb(m.gzip).padStart(11)}${`(${kb(m.brotli)})`.padStart(11)}${extra.padStart(13)}`);
row('floor: empty SvelteKit app', baseline.files.length, floor);
let worst = 0;
for (const [name, route] of [
  ['home (/)', '/'],
  ['meeting (/m/abc-defg-hij)', '/m/[code]/'],
] as const) {
  const files = pageFiles(WEB, join(WEB, 'build'), route);
  const m = measure(join(WEB, 'build'), files);
  worst = Math.max(worst, m.gzip);
  row(name, files.length, m, `+${kb(m.gzip - floor.gzip)}`);
}
console.log(`\n${worst / 1024 < TARGET_KB ? 'within' : 'OVER'} the ${TARGET_KB} KB target (largest page ${kb(worst)} gzipped)`);
