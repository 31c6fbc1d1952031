// The WebSocket edge: turns a MESSAGE event into a call on Signalling, with the caller taken from the
// authorizer's context. Bad input is answered with {type:"error"} to the sender and changes nothing.
import type * as v from 'valibot';
import { services } from '../adapters/services.js';
import { DomainError } from '../domain/errors.js';
import type { Caller, Signalling } from '../domain/signalling.js';
import { parseJson, validate } from './validate.js';

/** The parts of API Gateway's WebSocket event we read (the aws-lambda types omit `authorizer`). */
export interface SocketEvent {
  body?: string;
  requestContext: {
    connectionId: string;
    domainName: string;
    stage: string;
    routeKey: string;
    authorizer?: { principalId?: string; name?: string; guest?: string | boolean };
  };
}

export interface SocketResult {
  statusCode: number;
}

export const signallingFor = (event: SocketEvent) =>
  services.signalling(event.requestContext.domainName, event.requestContext.stage);

export function callerOf(event: SocketEvent): Caller {
  const { connectionId, authorizer } = event.requestContext;
  if (!authorizer?.principalId || typeof authorizer.name !== 'string') {
    // Only reachable if the API were deployed without its $connect authorizer.
    throw new Error('no authorizer context on the event');
  }
  return {
    connectionId,
    userId: authorizer.principalId,
    name: authorizer.name,
    guest: authorizer.guest === true || authorizer.guest === 'true',
  };
}

/** A message route: parse, validate against `schema`, run; errors go back to the sender as messages. */
export function socketHandler<S extends v.GenericSchema>(
  schema: S,
  run: (signalling: Signalling, caller: Caller, message: v.InferOutput<S>) => Promise<void>,
) {
  return async (event: SocketEvent): Promise<SocketResult> => {
    const signalling = signallingFor(event);
    const action = event.requestContext.routeKey;
    try {
      const message = validate(schema, parseJson(event.body, 'The message'), 'invalid-message');
      await run(signalling, callerOf(event), message);
    } catch (e) {
      const error =
        e instanceof DomainError ? e : new DomainError('internal', 'Something went wrong on our side. Try again.');
      if (!(e instanceof DomainError)) console.error('unexpected error', e);
      await signalling.reject(event.requestContext.connectionId, error, action);
    }
    return { statusCode: 200 };
  };
}
