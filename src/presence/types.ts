// What presence looks like on the wire and to listeners: plain data types, shared by the server and the client
// bundle (no imports, so `bunwire/client` can use them without pulling in server code).

/** Application metadata attached to a presence entry: plain JSON. */
export type PresenceMeta = null | boolean | number | string | PresenceMeta[] | { [key: string]: PresenceMeta };

export interface PresenceMember<M extends PresenceMeta = PresenceMeta> {
  id: string;
  meta: M;
}

export interface PresenceEvent<M extends PresenceMeta = PresenceMeta> extends PresenceMember<M> {
  /** "join": the id's first entry on the topic (any instance); "leave": its last entry went (left, closed, or expired). */
  type: "join" | "leave";
  topic: string;
}

export type PresenceListener = (event: PresenceEvent) => void;
