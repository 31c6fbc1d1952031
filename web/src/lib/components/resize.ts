// Reports an element's content size as it changes (a ResizeObserver, as a Svelte attachment).
import type { Attachment } from 'svelte/attachments';

export function observeSize(onSize: (width: number, height: number) => void): Attachment<HTMLElement> {
  return (element) => {
    const observer = new ResizeObserver(([entry]) => entry && onSize(entry.contentRect.width, entry.contentRect.height));
    observer.observe(element);
    return () => observer.disconnect();
  };
}
