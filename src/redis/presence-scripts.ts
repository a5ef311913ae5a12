// The Lua side of presence. Each script touches the keys of ONE slot, so presence runs on Redis Cluster as on one
// server: a topic's keys share the hash tag `{topic}`; instance liveness is one key of its own. Liveness reads
// Redis' clock (TIME), so instances with skewed clocks agree on who has expired. Keys (prefix P):
//   P{<topic>}:m  hash "<instance>|<id>" -> meta JSON   (one entry per instance and id)
//   P{<topic>}:c  hash id -> entries                    (so an id joins on its first entry and leaves on its last)
//   P:inst        zset instance -> expiry ms
//   P:it:<inst>   set of the topics an instance has entries on (what a reaper walks when it has died)
// Events: classic PUBLISH on P e:<topic> (JSON { type, topic, id, meta }); on a Cluster it reaches every node.

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const EVENT = `local function event(channel, kind, topic, id, meta)
  redis.call('PUBLISH', channel, '{"type":"' .. kind .. '","topic":' .. cjson.encode(topic) .. ',"id":' .. cjson.encode(id) .. ',"meta":' .. meta .. '}')
end`;

/** KEYS: m, c. ARGV: instance, id, meta JSON, channel, topic. Returns 1 if this instance's entry is new. */
export const JOIN = `${EVENT}
local inst, id, meta, channel, topic = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local new = redis.call('HSET', KEYS[1], inst .. '|' .. id, meta)
if new == 1 and redis.call('HINCRBY', KEYS[2], id, 1) == 1 then event(channel, 'join', topic, id, meta) end
return new`;

/** KEYS: m, c. ARGV: instance, id, channel, topic. Returns 1 if an entry was removed. */
export const LEAVE = `${EVENT}
local inst, id, channel, topic = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local field = inst .. '|' .. id
local meta = redis.call('HGET', KEYS[1], field)
if not meta then return 0 end
redis.call('HDEL', KEYS[1], field)
if redis.call('HINCRBY', KEYS[2], id, -1) <= 0 then
  redis.call('HDEL', KEYS[2], id)
  event(channel, 'leave', topic, id, meta)
end
return 1`;

/** KEYS: m, c. ARGV: dead instance, channel, topic. Removes its entries with leave events; returns how many. */
export const REAP_TOPIC = `${EVENT}
local inst, channel, topic = ARGV[1], ARGV[2], ARGV[3]
local all = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #all, 2 do
  local bar = string.find(all[i], '|', 1, true)
  if string.sub(all[i], 1, bar - 1) == inst then
    local id = string.sub(all[i], bar + 1)
    redis.call('HDEL', KEYS[1], all[i])
    removed = removed + 1
    if redis.call('HINCRBY', KEYS[2], id, -1) <= 0 then
      redis.call('HDEL', KEYS[2], id)
      event(channel, 'leave', topic, id, all[i + 1])
    end
  end
end
return removed`;

/**
 * KEYS: inst. ARGV: instance, ttlMs. 1: it was alive, its expiry is refreshed; 0: Redis did not know it (new, or
 * Redis lost its data), now registered; -1: its TTL had passed, so reapers may be removing its entries: it is left
 * to them, and the instance comes back under a new name.
 */
export const HEARTBEAT = `${NOW}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expiry and tonumber(expiry) <= now then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if expiry then return 1 end
return 0`;

/** KEYS: inst. ARGV: instances. Returns those alive now. */
export const ALIVE = `${NOW}
local out = {}
for _, inst in ipairs(ARGV) do
  local expiry = redis.call('ZSCORE', KEYS[1], inst)
  if expiry and tonumber(expiry) > now then out[#out + 1] = inst end
end
return out`;

/** KEYS: inst. ARGV: max. Returns up to `max` instances whose expiry has passed (they are reaped, then forgotten). */
export const DEAD = `${NOW}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))`;
