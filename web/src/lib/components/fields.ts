// An attachment for text fields.
import type { Attachment } from 'svelte/attachments';

/**
 * Puts `value` in a text field (again whenever it changes); the field's own typing flows back through its
 * oninput. A plain `value={...}` would do the same but pulls in Svelte's form-reset bookkeeping.
 */
export function fill(value: string): Attachment<HTMLInputElement> {
  return (input) => {
    // Left alone when equal, as while the user types: re-setting it would break an IME composition.
    if (input.value !== value) input.value = value;
  };
}
