// One function per handler module in the route table, each granted exactly the table actions and key
// prefixes routes.ts lists for it. The APIs look functions up here by handler name; nothing else lists handlers.
import { join } from 'node:path';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { allHandlers, handlerAccess, type HandlerAccess } from '../../functions/routes.js';
import type { DataTable } from './data-table.js';
import { HandlerFunction } from './handler-function.js';

export interface HandlersProps {
  table: DataTable;
  /** Variables every handler gets (the names are routes.ts's handlerEnvironment). */
  environment: Record<string, string>;
  handlersDir: string;
  projectRoot: string;
  lockFile: string;
}

const DEFAULT_MEMORY_MB = 256;
// bcrypt is pure CPU, and Lambda's CPU share grows with memory: at 1024 MB a cost-10 hash takes a fraction
// of what it takes at 256 MB, so sign-up and sign-in are faster for about the same GB-seconds.
const MEMORY_MB: Readonly<Record<string, number>> = {
  'http-register': 1024,
  'http-login': 1024,
};

export class Handlers extends Construct {
  readonly #functions = new Map<string, NodejsFunction>();

  constructor(scope: Construct, id: string, props: HandlersProps) {
    super(scope, id);
    for (const name of allHandlers) {
      const access = accessOf(name);
      const fn = new HandlerFunction(this, constructId(name), {
        handler: name,
        entry: join(props.handlersDir, `${name}.ts`),
        projectRoot: props.projectRoot,
        lockFile: props.lockFile,
        environment: props.environment,
        memorySize: MEMORY_MB[name] ?? DEFAULT_MEMORY_MB,
      }).function;
      props.table.grantActions(fn, access.table, access.keys);
      this.#functions.set(name, fn);
    }
  }

  /** The function for a handler name from routes.ts. */
  get(name: string): NodejsFunction {
    const fn = this.#functions.get(name);
    if (!fn) throw new Error(`No function for handler "${name}": it is not in allHandlers (functions/routes.ts).`);
    return fn;
  }

  /** Handler names with their functions, in routes.ts order. */
  entries(): [string, NodejsFunction][] {
    return [...this.#functions];
  }
}

export function accessOf(name: string): HandlerAccess {
  const access = handlerAccess[name];
  if (!access) throw new Error(`Handler "${name}" has no entry in handlerAccess (functions/routes.ts): say what it may touch.`);
  return access;
}

/** `ws-join` -> `WsJoin`: readable logical IDs in the template. */
function constructId(name: string): string {
  return name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
