// Counts the DynamoDB requests the handlers make, by command, through a middleware on the very client
// they use (the local stack runs them in this process). Used to hold the design's cost promises.
import { dynamoClient } from '../../functions/adapters/dynamo-client.js';

export class DynamoMeter {
  #counts = new Map<string, number>();
  #on = false;

  constructor() {
    dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        if (this.#on) {
          const name = String(context.commandName).replace(/Command$/, '');
          this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
        }
        return next(args);
      },
      { step: 'initialize', name: 'meshmeetMeter' },
    );
  }

  /** Counts requests made while `run` runs (and `settle` waits for the gateway's invocations). */
  async measure(run: () => Promise<unknown>): Promise<Record<string, number>> {
    this.#counts.clear();
    this.#on = true;
    try {
      await run();
    } finally {
      this.#on = false;
    }
    return Object.fromEntries([...this.#counts].sort());
  }
}
