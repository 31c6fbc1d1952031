// SvelteKit's root component as the class SvelteKit's client expects (`new Root({ target, props })`, then
// `root.$set(props)`). It stands in for svelte/legacy's asClassComponent in SvelteKit's generated root.js
// (see web/no-hydration.ts): that wrapper can also hydrate, which no page here needs, and carries the rest of
// the Svelte 4 component API ($on, $destroy, exports as properties), which SvelteKit does not use.
// Props behave as that wrapper's do: one signal per prop, set by $set, where an object set again counts as
// a change (mutable_source, the signal Svelte 4 props use); and the first render is flushed at once.
import { flushSync, mount, type Component } from 'svelte';
// @ts-expect-error: Svelte's internal runtime (what compiled components import) has no type declarations.
import { get, mutable_source, set } from 'svelte/internal/client';

type Props = Record<string | symbol, unknown>;
type Signal = object;

interface RootOptions {
  target: Element;
  props: Props;
  hydrate?: boolean;
  transformError?: unknown;
}

export function asClassComponent(component: Component<Props>): new (options: RootOptions) => { $set(props: Props): void } {
  return class Root {
    $set: (props: Props) => void;

    constructor({ target, props: initial, hydrate, transformError }: RootOptions) {
      // A server-rendered page would be drawn twice rather than hydrated: say so instead (no-hydration.ts).
      if (hydrate) throw new Error('mount-root.ts cannot hydrate; a page with ssr on needs svelte/legacy back');
      const signals = new Map<string | symbol, Signal>();
      const signal = (key: string | symbol, value: unknown): Signal => {
        let found = signals.get(key);
        if (!found) signals.set(key, (found = mutable_source(value, false, false) as Signal));
        return found;
      };
      const props = new Proxy<Props>(
        { ...initial },
        {
          get: (values, key) => get(signal(key, values[key])),
          has: (values, key) => (get(signal(key, values[key])), key in values),
          set: (values, key, value) => (set(signal(key, value), value), Reflect.set(values, key, value)),
        },
      );
      mount(component, { target, props, intro: false, transformError } as Parameters<typeof mount>[1]);
      flushSync();
      this.$set = (next) => void Object.assign(props, next);
    }
  };
}
