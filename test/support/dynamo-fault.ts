// Makes DynamoDB fail on cue, through a middleware on the very client the handlers use (the local stack
// runs them in this process), so a test can see what a real handler does when its table has a bad moment.
import { dynamoClient } from '../../functions/adapters/dynamo-client.js';

class DynamoFault {
  #pending = new Map<string, number>();

  constructor() {
    dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName).replace(/Command$/, '');
        const left = this.#pending.get(name) ?? 0;
        if (left > 0) {
          this.#pending.set(name, left - 1);
          throw Object.assign(new Error(`injected ${name} failure`), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'meshmeetFault' },
    );
  }

  /** The next `times` requests of `command` (e.g. 'BatchWriteItem') fail as DynamoDB's own 500 would. */
  failNext(command: string, times = 1): void {
    this.#pending.set(command, (this.#pending.get(command) ?? 0) + times);
  }

  /** How many of the planned failures have not happened yet. */
  pending(command: string): number {
    return this.#pending.get(command) ?? 0;
  }
}

let instance: DynamoFault | undefined;
/** The process's one fault injector (its middleware is added once, on first use). */
export const dynamoFault = (): DynamoFault => (instance ??= new DynamoFault());
