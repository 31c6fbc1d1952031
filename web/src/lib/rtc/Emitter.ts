// A minimal typed event emitter: how each rtc layer reports upward without knowing who listens.
type Listener<T> = (payload: T) => void;

export interface Emitter<Events extends object> {
  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void;
  emit<K extends keyof Events>(type: K, payload: Events[K]): void;
  /** Drops every listener. */
  clear(): void;
}

export function createEmitter<Events extends object>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  return {
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => set.delete(listener as Listener<never>);
    },
    emit(type, payload) {
      for (const listener of listeners.get(type) ?? []) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          // One broken listener must not stop the others, nor the socket or connection that emitted.
          console.error(`[meshmeet] listener for "${String(type)}" threw`, error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
