// Bench file route /ws/fanout: every connection is on this route's topic ("ws-fanout") from open, by design of
// file routes, so the subscribers need no code at all; an onOpen is here because a route needs one handler.
export function onOpen() {}
