// The AWS SDK warns, once per process while its modules load, that its 2027 releases will need Node 22.
// The cloud runs Node 22 and this machine's Node is the user's choice, so drop that one notice before it
// is emitted; every other warning takes Node's usual path (and --no-warnings, --trace-warnings still work).
// Import this module first (before anything that loads the SDK).
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).includes('NodeVersionSupportWarning')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
