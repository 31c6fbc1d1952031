// Short notices (someone joined, left, an error) that fade on their own.
import { getContext, setContext } from 'svelte';

export type ToastKind = 'info' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

const MAX_VISIBLE = 4;

export class ToastsState {
  #items = $state.raw<Toast[]>([]);
  #nextId = 1;

  get items(): readonly Toast[] {
    return this.#items;
  }

  /** Returns the notice's id, to dismiss it early. */
  show(message: string, kind: ToastKind = 'info', durationMs = kind === 'error' ? 7000 : 4000): number {
    const id = this.#nextId++;
    this.#items = [...this.#items, { id, kind, message }].slice(-MAX_VISIBLE);
    setTimeout(() => this.dismiss(id), durationMs);
    return id;
  }

  error(message: string): void {
    this.show(message, 'error');
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((toast) => toast.id !== id);
  }
}

const KEY = Symbol('toasts');
export function setToasts(toasts: ToastsState): ToastsState {
  return setContext(KEY, toasts);
}
export function useToasts(): ToastsState {
  return getContext<ToastsState>(KEY);
}
