// Who is in each demo room: one entry per person (a browser tab's id, with its name), however many sockets they
// hold. One process keeps it in memory; `npm run demo:cluster` keeps it in Redis (bunwire/redis presence), so every
// instance lists the same people.
import type { RedisPresence } from "bunwire/redis";
import type { Person } from "./protocol.ts";

export interface RoomPresence {
  /** Adds one connection of `person` to `room`; returns everyone present. */
  add(room: string, person: Person): Promise<Person[]>;
  /** Removes one connection of `person`; returns everyone still present. */
  remove(room: string, person: Person): Promise<Person[]>;
  close(): Promise<void>;
}

/** By name, then id: the same order on every page and instance. */
function sorted(people: Person[]): Person[] {
  return people.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export class MemoryPresence implements RoomPresence {
  /** room -> person id -> the person and how many of their sockets are in the room. */
  readonly #rooms = new Map<string, Map<string, { person: Person; sockets: number }>>();

  async add(room: string, person: Person): Promise<Person[]> {
    const people = this.#rooms.get(room) ?? new Map<string, { person: Person; sockets: number }>();
    this.#rooms.set(room, people);
    const entry = people.get(person.id);
    people.set(person.id, { person, sockets: (entry?.sockets ?? 0) + 1 });
    return this.#list(people);
  }

  async remove(room: string, person: Person): Promise<Person[]> {
    const people = this.#rooms.get(room);
    if (people === undefined) return [];
    const entry = people.get(person.id);
    if (entry !== undefined && entry.sockets > 1) entry.sockets--;
    else people.delete(person.id);
    if (people.size === 0) this.#rooms.delete(room);
    return this.#list(people);
  }

  #list(people: Map<string, { person: Person }>): Person[] {
    return sorted([...people.values()].map((entry) => entry.person));
  }

  async close(): Promise<void> {}
}

export class SharedPresence implements RoomPresence {
  constructor(private readonly presence: RedisPresence) {}

  async add(room: string, person: Person): Promise<Person[]> {
    await this.presence.join(room, person.id, { name: person.name });
    return this.#people(room);
  }

  async remove(room: string, person: Person): Promise<Person[]> {
    await this.presence.leave(room, person.id);
    return this.#people(room);
  }

  async #people(room: string): Promise<Person[]> {
    const members = await this.presence.list(room);
    return sorted(members.map((member) => ({ id: member.id, name: String((member.meta as { name?: unknown } | null)?.name ?? member.id) })));
  }

  close(): Promise<void> {
    return this.presence.close();
  }
}
