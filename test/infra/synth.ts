// Builds the Meshmeet stack in-process for template tests: the same feature flags as cdk.json, Lambda
// bundling skipped (esbuild is exercised by the CLI synth test instead), options passed as CDK context.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../infra/config.js';
import { MeshmeetStack } from '../../infra/meshmeet-stack.js';
import { repoRoot } from '../../infra/paths.js';

// Only the feature flags: deployment options a deployer keeps in cdk.json must not change what tests see.
const featureFlags = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context).filter(([key]) =>
    key.startsWith('@aws-cdk'),
  ),
);

// Each app writes a cloud assembly (~25 MB: the BucketDeployment's AWS CLI layer) to a temporary folder.
const temporaryDirs: string[] = [];

/** Removes every folder the helpers made; call it from afterAll. */
export function cleanUp(): void {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Synthesized {
  app: App;
  stack: MeshmeetStack;
  template: Template;
}

/** The app and stack, not yet synthesized: annotations can still be read (and acknowledged) first. */
export function build(context: Record<string, unknown> = {}, webBuildDir = fakeWebBuild()): Omit<Synthesized, 'template'> {
  const outdir = mkdtempSync(join(tmpdir(), 'meshmeet-cdk-test-'));
  temporaryDirs.push(outdir);
  const app = new App({ outdir, context: { ...featureFlags, ...context, 'aws:cdk:bundling-stacks': [] } });
  // An empty environment, so a MESHMEET_TURN_SECRET in the developer's shell cannot change the result.
  const config = readConfig(app.node, {});
  const stack = new MeshmeetStack(app, config.stackName, { config, webBuildDir });
  return { app, stack };
}

export function synth(context: Record<string, unknown> = {}, webBuildDir = fakeWebBuild()): Synthesized {
  const built = build(context, webBuildDir);
  return { ...built, template: Template.fromStack(built.stack) };
}

/** A directory shaped like SvelteKit adapter-static output, so tests do not depend on a real web build. */
export function fakeWebBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshmeet-web-build-'));
  temporaryDirs.push(dir);
  const files: Record<string, string> = {
    'index.html': '<!doctype html><script src="/_app/immutable/entry/boot.abc.js"></script>',
    '200.html': '<!doctype html><script src="/_app/immutable/entry/boot.abc.js"></script>',
    '_app/version.json': '{"version":"1"}',
    '_app/immutable/entry/boot.abc.js': 'console.log(1)',
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}
