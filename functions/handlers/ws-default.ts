// $default: anything that matched no route. Says whether the frame was not JSON or named no known action.
import { ACTIONS } from '../protocol/index.js';
import { DomainError } from '../domain/errors.js';
import { signallingFor, type SocketEvent } from '../edge/socket.js';
import { parseJson } from '../edge/validate.js';

export const handler = async (event: SocketEvent) => {
  let error: DomainError;
  try {
    const message = parseJson(event.body) as { action?: unknown } | null;
    const action = typeof message === 'object' && message !== null ? message.action : undefined;
    error = new DomainError(
      'unknown-action',
      `${action === undefined ? 'The message has no "action".' : `Unknown action ${JSON.stringify(action)}.`} Known actions: ${ACTIONS.join(', ')}.`,
    );
  } catch (e) {
    error = e as DomainError;
  }
  await signallingFor(event).reject(event.requestContext.connectionId, error);
  return { statusCode: 200 };
};
