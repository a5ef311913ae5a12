// Bench file route /ws/up: a bare upgrade (a route needs one handler).
export function onOpen() {}
