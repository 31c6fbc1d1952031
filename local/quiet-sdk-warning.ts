// The AWS SDK warns, once per process while its modules load, that its 2027 releases will need Node 22.
// The cloud runs Node 22 and this machine's Node is the user's choice, so hide that one notice and keep
// every other warning. Import this module first (before anything that loads the SDK).
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupportWarning')) {
    console.warn(`${warning.name}: ${warning.message}`);
  }
});
