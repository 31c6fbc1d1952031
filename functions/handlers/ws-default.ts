// $default: anything that matched no route. Says whether the frame was not JSON or named no known action.
import { ACTIONS } from '../protocol/index.js';
import { DomainError } from '../domain/errors.js';
import { signallingFor, type SocketEvent } from '../edge/socket.js';
import { parseJson } from '../edge/validate.js';
import { shorten } from '../protocol/text.js';

export const handler = async (event: SocketEvent) => {
  let error: DomainError;
  try {
    const message = parseJson(event.body, 'The message') as { action?: unknown } | null;
    const action = typeof message === 'object' && message !== null ? message.action : undefined;
    const what =
      action === undefined
        ? 'The message has no "action".'
        : typeof action === 'string'
          ? `Unknown action "${shorten(action)}".`
          : 'The "action" should be text.';
    error = new DomainError('unknown-action', `${what} Known actions: ${ACTIONS.join(', ')}.`);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e; // parseJson's bad-json is the one expected here
    error = e;
  }
  await signallingFor(event).reject(event.requestContext.connectionId, error);
  return { statusCode: 200 };
};
