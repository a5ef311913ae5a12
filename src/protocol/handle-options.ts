// The option values `handle()` and `@WebSocketGateway(path, options)` take, as one table of rules checked when the
// options are given: a wrong value (`onError: 5`, `rooms: "yes"`, `idempotency: { windowMs: "5" }`) would otherwise
// be read as something else or fail later, in a handler. The tables also list the names, so they cannot drift.

import { BunwireError } from "../engine/errors.ts";
import { checkOptionNames } from "../engine/option-names.ts";
import { BOOLEAN, checkOptionValues, either, FUNCTION, NAME, oneOf, OBJECT, rule, TIMER_MS, withMethods, type Rule, type Rules } from "../engine/option-values.ts";
import type { HandleOptions, PresenceOptions, ProtocolSettings } from "./handle-types.ts";
import type { IdempotencyOptions } from "./once.ts";

/** `rooms` and `presence.follow`: a yes or no for every topic, or a decision per socket and topic. */
const ROOM_POLICY = either(BOOLEAN, FUNCTION);

const IDEMPOTENCY_RULES: Rules<IdempotencyOptions> = {
  store: rule("an IdempotencyStore (claim, complete, and renew when given)", (value) => {
    const store = value as Record<string, unknown> | null;
    return typeof store === "object" && store !== null && typeof store.claim === "function" && typeof store.complete === "function" && (store.renew === undefined || typeof store.renew === "function");
  }),
  windowMs: TIMER_MS,
  leaseMs: TIMER_MS,
};

const PRESENCE_STORE = withMethods("a PresenceStore: memoryPresence() or redisPresence(...)", "list", "subscribe", "track");
const PRESENCE_RULES: Rules<PresenceOptions<unknown>> = { store: PRESENCE_STORE, follow: ROOM_POLICY, meta: FUNCTION };

/** The settings `handle()` and gateways share. */
export const SETTINGS_RULES: Rules<ProtocolSettings<unknown>> = {
  history: withMethods("a TopicHistory", "append", "since", "last"),
  rooms: ROOM_POLICY,
  maxRooms: rule("an integer >= 0", (value) => Number.isInteger(value) && (value as number) >= 0),
  invalid: oneOf("reply", "close"),
  msgpack: BOOLEAN,
  idempotency: rule("true, false or { store?, windowMs?, leaseMs? }", (value) => BOOLEAN.test(value) || OBJECT.test(value)),
  broadcastTopic: either(NAME, oneOf(false)),
  presence: rule("{ store, follow?, meta? }", (value) => OBJECT.test(value)),
};

/** `handle()`'s options: the settings and its own lifecycle callbacks. */
export const HANDLE_RULES: Rules<HandleOptions<unknown>> = { ...SETTINGS_RULES, onError: FUNCTION, open: FUNCTION, close: FUNCTION };

/**
 * Throws INVALID_OPTION naming the first unknown name or wrong value of `options` (`rules` gives both), nested
 * `idempotency` and `presence` objects included; undefined passes.
 */
export function checkProtocolOptions(options: unknown, rules: Readonly<Record<string, Rule>>, where: string): void {
  checkOptionNames(options, Object.keys(rules), where);
  if (options === undefined) return;
  const settings = options as ProtocolSettings<unknown>;
  checkOptionValues(settings, rules, where);
  const { idempotency, presence } = settings;
  if (typeof idempotency === "object") {
    checkOptionNames(idempotency, Object.keys(IDEMPOTENCY_RULES), `${where} idempotency`);
    checkOptionValues(idempotency, IDEMPOTENCY_RULES, where, "idempotency.");
  }
  if (presence !== undefined) {
    checkOptionNames(presence, Object.keys(PRESENCE_RULES), `${where} presence`);
    // The one nested option no default stands in for.
    if (presence.store === undefined) throw new BunwireError("INVALID_OPTION", `${where}: option presence.store is required: memoryPresence() or redisPresence(...)`);
    checkOptionValues(presence, PRESENCE_RULES, where, "presence.");
  }
}
