// Makes DynamoDB fail or stall on cue, through a middleware on the very client the handlers use (the local
// stack runs them in this process), so a test can see what a real handler does when its table has a bad
// moment, or make two handlers' requests interleave in a chosen order.
import { dynamoClient } from '../../functions/adapters/dynamo-client.js';

type Input = Record<string, any>;

interface Hold {
  command: string;
  where: (input: Input) => boolean;
  reached: () => void;
  released: Promise<void>;
}

/** A request held back: `reached` resolves when it is about to be sent; it goes on once `release` is called. */
export interface HeldRequest {
  reached: Promise<void>;
  release(): void;
}

class DynamoFault {
  #pending = new Map<string, { times: number; error: string }>();
  #holds: Hold[] = [];

  constructor() {
    dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName).replace(/Command$/, '');
        const planned = this.#pending.get(name);
        if (planned && planned.times > 0) {
          planned.times--;
          throw Object.assign(new Error(`injected ${name} failure`), { name: planned.error });
        }
        const hold = this.#holds.find((h) => h.command === name && h.where(args.input as Input));
        if (hold) {
          this.#holds.splice(this.#holds.indexOf(hold), 1);
          hold.reached();
          await hold.released;
        }
        return next(args);
      },
      { step: 'initialize', name: 'meshmeetFault' },
    );
  }

  /**
   * The next `times` requests of `command` (e.g. 'BatchWriteItem') fail with the error `error` names: by
   * default DynamoDB's own 500; 'ConditionalCheckFailedException' makes a conditional write find its condition false.
   */
  failNext(command: string, times = 1, error = 'InternalServerError'): void {
    const left = this.#pending.get(command)?.times ?? 0;
    this.#pending.set(command, { times: left + times, error });
  }

  /** How many of the planned failures have not happened yet. */
  pending(command: string): number {
    return this.#pending.get(command)?.times ?? 0;
  }

  /** Holds back the next request of `command` whose input matches `where` until the test releases it. */
  holdNext(command: string, where: (input: Input) => boolean = () => true): HeldRequest {
    let reached!: () => void;
    let release!: () => void;
    const held = {
      reached: new Promise<void>((resolve) => (reached = resolve)),
      released: new Promise<void>((resolve) => (release = resolve)),
    };
    this.#holds.push({ command, where, reached, released: held.released });
    return { reached: held.reached, release };
  }
}

let instance: DynamoFault | undefined;
/** The process's one fault injector (its middleware is added once, on first use). */
export const dynamoFault = (): DynamoFault => (instance ??= new DynamoFault());
