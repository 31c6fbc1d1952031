// valibot's object schemas take an array as an object (`[]` passes as `{}`, `["x"]` as `{"0":"x"}`).
// JSON objects on the wire are never arrays: these refuse one before the entries are checked.
import * as v from 'valibot';

export const OBJECT_EXPECTED = 'Expected an object.';

const notArray = v.custom<Record<string, unknown>>(
  (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
  OBJECT_EXPECTED,
);

/** An object with exactly these entries (others are dropped). */
export const body = <E extends v.ObjectEntries>(entries: E) => v.pipe(notArray, v.object(entries));
/** An object with these entries; others pass through. */
export const loose = <E extends v.ObjectEntries>(entries: E) => v.pipe(notArray, v.looseObject(entries));
/** An object of any keys. */
export const anyObject = () => v.pipe(notArray, v.record(v.string(), v.unknown()));
