/** A reason the local stack cannot start that its user can fix; `npm start` prints just the message. */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
}
