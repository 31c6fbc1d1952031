// GET /meetings/{code} -> 200 {meeting} | 404: lets the pre-join screen show the title or a clear "no such meeting".
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => {
  await req.user();
  return { status: 200, body: { meeting: await services.meetings().get(req.pathParameter('code')) } };
});
