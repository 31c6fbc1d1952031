// Keyboard focus around the side panels (chat, people), for keyboard and screen-reader users.
import type { Attachment } from 'svelte/attachments';

/**
 * Called as a panel is created (before its own field takes the focus): an attachment for the panel that,
 * when the panel closes, gives the focus back to what had it (the button that opened it), if the focus
 * was inside the panel or went with it; otherwise it would fall to the start of the page.
 */
export function returnFocusOnClose(): Attachment<HTMLElement> {
  const opener = document.activeElement;
  return (panel) => () => {
    const now = document.activeElement;
    if (opener instanceof HTMLElement && (!now || now === document.body || panel.contains(now))) opener.focus();
  };
}

/** On a field: takes the focus when it appears. */
export const focusOnOpen: Attachment<HTMLElement> = (field) => field.focus();
