// Who is in each demo room, by name. One process keeps it in memory; `npm run demo:cluster` keeps it in Redis
// (bunwire/redis presence), so every instance lists the same people.
import type { RedisPresence } from "bunwire/redis";

export interface RoomPresence {
  /** Adds one connection of `name` to `room`; returns everyone present. */
  add(room: string, name: string): Promise<string[]>;
  /** Removes one connection of `name`; returns everyone still present. */
  remove(room: string, name: string): Promise<string[]>;
  close(): Promise<void>;
}

export class MemoryPresence implements RoomPresence {
  readonly #rooms = new Map<string, Map<string, number>>();

  async add(room: string, name: string): Promise<string[]> {
    const names = this.#rooms.get(room) ?? new Map<string, number>();
    names.set(name, (names.get(name) ?? 0) + 1);
    this.#rooms.set(room, names);
    return [...names.keys()];
  }

  async remove(room: string, name: string): Promise<string[]> {
    const names = this.#rooms.get(room);
    if (names === undefined) return [];
    const left = (names.get(name) ?? 1) - 1;
    if (left > 0) names.set(name, left);
    else names.delete(name);
    if (names.size === 0) this.#rooms.delete(room);
    return [...names.keys()];
  }

  async close(): Promise<void> {}
}

export class SharedPresence implements RoomPresence {
  constructor(private readonly presence: RedisPresence) {}

  async add(room: string, name: string): Promise<string[]> {
    await this.presence.join(room, name);
    return this.#names(room);
  }

  async remove(room: string, name: string): Promise<string[]> {
    await this.presence.leave(room, name);
    return this.#names(room);
  }

  async #names(room: string): Promise<string[]> {
    return (await this.presence.list(room)).map((member) => member.id).sort();
  }

  close(): Promise<void> {
    return this.presence.close();
  }
}
