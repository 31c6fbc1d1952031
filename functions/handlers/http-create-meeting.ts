// POST /meetings {title?} -> 201 {meeting}; signed-in users and guests alike may host.
import { CreateMeetingRequest } from '../protocol/index.js';
import { meetingInfo } from '../domain/meetings.js';
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => {
  const user = await req.user();
  const { title } = req.body(CreateMeetingRequest);
  return { status: 201, body: { meeting: meetingInfo(await services.meetings().create(user, title)) } };
});
