// Loads the Lambda handlers named in the route table, the same modules the CDK stack bundles.
type Handler = (event: unknown) => Promise<unknown>;

const loaded = new Map<string, Promise<Handler>>();

export function loadHandler(name: string): Promise<Handler> {
  let handler = loaded.get(name);
  if (!handler) {
    handler = import(`../functions/handlers/${name}.ts`).then((m: { handler: Handler }) => m.handler);
    loaded.set(name, handler);
  }
  return handler;
}
