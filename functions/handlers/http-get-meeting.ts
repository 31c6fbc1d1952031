// GET /meetings/{code} -> 200 {meeting} | 404: lets the pre-join screen show the title or a clear "no such
// meeting" before anyone gives a name. No token needed: the code is what admits people (anyone may become a
// guest), and a visitor with a wrong link should hear so before turning on the camera.
import { meetingInfo } from '../domain/meetings.js';
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => {
  return { status: 200, body: { meeting: meetingInfo(await services.meetings().get(req.pathParameter('code'))) } };
});
