// Starts a real local stack (dynalite + gateway + handlers) for a test file, in memory, with cheap bcrypt.
import { afterAll, beforeAll } from 'vitest';
import { startLocalStack, type LocalStackOptions } from '../../local/stack.js';
import { TestStack } from './test-stack.js';

export { TestStack };

/** A local stack for the whole test file, in memory, with cheap bcrypt. */
export function useLocalStack(options: LocalStackOptions = {}): TestStack {
  const test = new TestStack();
  beforeAll(async () => {
    test.stack = await startLocalStack({ port: 0, dataDir: null, bcryptCost: 4, ...options });
  });
  afterAll(async () => {
    await test.stack?.close();
  });
  return test;
}
