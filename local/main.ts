// `npm start`: the local stack on PORT (default 8787). Flags: --in-memory (no data folder),
// --data <dir> (default .data/dynalite). Ctrl+C stops it.
import './quiet-sdk-warning.js'; // first: the SDK warns while its modules load
import { LocalStackError } from './errors.js';
import { startLocalStack } from './stack.js';

const args = process.argv.slice(2);
const dataFlag = args.indexOf('--data');
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(1);
}

const stack = await startLocalStack({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  dataDir: args.includes('--in-memory') ? null : dataFlag >= 0 ? (args[dataFlag + 1] ?? '.data/dynalite') : undefined,
  ...(process.env.BCRYPT_COST ? { bcryptCost: Number(process.env.BCRYPT_COST) } : {}),
  ...(process.env.STUN_URLS ? { iceServers: [{ urls: process.env.STUN_URLS.split(',') }] } : {}),
}).catch((error: unknown) => {
  if (!(error instanceof LocalStackError)) throw error;
  console.error(error.message);
  process.exit(1);
});
console.log(`Meshmeet is running at ${stack.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.close().then(() => process.exit(0));
  });
}
