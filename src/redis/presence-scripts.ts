// The Lua side of presence: each script runs atomically in Redis and reads Redis' own clock (TIME), so
// instances with skewed clocks agree on who has expired. Keys (prefix P): P:inst (zset instance -> expiry ms),
// P:t:<topic> (hash "<instance>|<id>" -> meta JSON), P:c:<topic> (hash id -> entries), P:it:<instance> (set of topics),
// events on channel P:e:<topic> as JSON { type, topic, id, meta }.

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const EVENT = `local function event(prefix, kind, topic, id, meta)
  redis.call('PUBLISH', prefix .. 'e:' .. topic, '{"type":"' .. kind .. '","topic":' .. cjson.encode(topic) .. ',"id":' .. cjson.encode(id) .. ',"meta":' .. meta .. '}')
end`;

/** ARGV: prefix, instance, ttlMs, topic, id, meta JSON. Returns 1 if this instance's entry is new. */
export const JOIN = `${NOW}
${EVENT}
local p, inst, topic, id, meta = ARGV[1], ARGV[2], ARGV[4], ARGV[5], ARGV[6]
redis.call('ZADD', p .. 'inst', now + tonumber(ARGV[3]), inst)
redis.call('SADD', p .. 'it:' .. inst, topic)
local new = redis.call('HSET', p .. 't:' .. topic, inst .. '|' .. id, meta)
if new == 1 and redis.call('HINCRBY', p .. 'c:' .. topic, id, 1) == 1 then event(p, 'join', topic, id, meta) end
return new`;

/** ARGV: prefix, instance, topic, id. Returns 1 if an entry was removed. */
export const LEAVE = `${EVENT}
local p, inst, topic, id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local field = inst .. '|' .. id
local meta = redis.call('HGET', p .. 't:' .. topic, field)
if not meta then return 0 end
redis.call('HDEL', p .. 't:' .. topic, field)
if redis.call('HINCRBY', p .. 'c:' .. topic, id, -1) <= 0 then
  redis.call('HDEL', p .. 'c:' .. topic, id)
  event(p, 'leave', topic, id, meta)
end
return 1`;

/** ARGV: prefix, instance, ttlMs. Returns 0 if Redis had forgotten this instance (restarted): it must re-join. */
export const HEARTBEAT = `${NOW}
local known = redis.call('ZSCORE', ARGV[1] .. 'inst', ARGV[2])
redis.call('ZADD', ARGV[1] .. 'inst', now + tonumber(ARGV[3]), ARGV[2])
if known then return 1 end
return 0`;

/** ARGV: prefix, topic. Returns a flat list id, meta, id, meta... of entries whose instance is alive. */
export const LIST = `${NOW}
local p = ARGV[1]
local all = redis.call('HGETALL', p .. 't:' .. ARGV[2])
local out = {}
for i = 1, #all, 2 do
  local bar = string.find(all[i], '|', 1, true)
  local expiry = redis.call('ZSCORE', p .. 'inst', string.sub(all[i], 1, bar - 1))
  if expiry and tonumber(expiry) > now then
    out[#out + 1] = string.sub(all[i], bar + 1)
    out[#out + 1] = all[i + 1]
  end
end
return out`;

/** ARGV: prefix, max instances per call. Removes expired instances' entries with leave events; returns how many. */
export const REAP = `${NOW}
${EVENT}
local p = ARGV[1]
local dead = redis.call('ZRANGEBYSCORE', p .. 'inst', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, inst in ipairs(dead) do
  redis.call('ZREM', p .. 'inst', inst)
  for _, topic in ipairs(redis.call('SMEMBERS', p .. 'it:' .. inst)) do
    local all = redis.call('HGETALL', p .. 't:' .. topic)
    for i = 1, #all, 2 do
      local bar = string.find(all[i], '|', 1, true)
      if string.sub(all[i], 1, bar - 1) == inst then
        local id = string.sub(all[i], bar + 1)
        redis.call('HDEL', p .. 't:' .. topic, all[i])
        if redis.call('HINCRBY', p .. 'c:' .. topic, id, -1) <= 0 then
          redis.call('HDEL', p .. 'c:' .. topic, id)
          event(p, 'leave', topic, id, all[i + 1])
        end
      end
    end
  end
  redis.call('DEL', p .. 'it:' .. inst)
end
return #dead`;
