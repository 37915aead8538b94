/**
 * The one Lua script behind every budget command in Redis (op = reserve | peek | settle | renew).
 * The same steps as MemoryBudgetStore; keep the two in step (the contract tests run both).
 *
 * KEYS[1] = the tenant's settled-ids set; then per check: bucket 1 key, counter 2 keys (hash with
 * `used`/`held`, sorted set of holds), concurrency 1 key. All keys carry the tenant hash tag, so the
 * script runs on one Redis Cluster slot.
 * ARGV = op, now, id, until, count, then 5 fields per check: kind (b|c|n) and 4 parameters:
 *   reserve/peek  b: capacity, ratePerMs, amount   c: limit, amount, windowEnd, expireAt   n: limit
 *   settle        b: capacity, ratePerMs, delta    c: held, actual, expireAt               n: -
 *   renew         c: held                                                                  n: -
 * Integer amounts are used as the strings they came in (hold members, HINCRBY), never through
 * Lua's number formatting, which switches to exponent notation past 14 digits.
 */
export const BUDGET_SCRIPT = `
local op = ARGV[1]
local now = tonumber(ARGV[2])
local id = ARGV[3]
local untilMs = tonumber(ARGV[4])
local count = tonumber(ARGV[5])

local function purge(hkey, skey)
  local expired = redis.call('ZRANGEBYSCORE', skey, '-inf', now)
  if #expired == 0 then return end
  local total = 0
  for i = 1, #expired do
    total = total + (tonumber(string.match(expired[i], ':(%d+)$')) or 0)
  end
  redis.call('ZREMRANGEBYSCORE', skey, '-inf', now)
  if redis.call('EXISTS', hkey) == 1 then
    local held = redis.call('HINCRBY', hkey, 'held', -total)
    if held < 0 then redis.call('HSET', hkey, 'held', 0) end
  end
end

local function level(key, cap, rate)
  local v = redis.call('HMGET', key, 't', 'ts')
  local t = tonumber(v[1])
  if t == nil then return cap end
  local elapsed = now - (tonumber(v[2]) or now)
  if elapsed < 0 then elapsed = 0 end
  local l = t + elapsed * rate
  if l > cap then l = cap end
  return l
end

local function setLevel(key, cap, rate, l)
  if l >= cap then
    redis.call('DEL', key)
    return
  end
  redis.call('HSET', key, 't', l, 'ts', now)
  redis.call('PEXPIRE', key, math.ceil((cap - l) / rate) + 1000)
end

local function keepAtLeast(key, at)
  local want = at - now
  if want < 1 then want = 1 end
  local ttl = redis.call('PTTL', key)
  if ttl ~= -2 and ttl < want then redis.call('PEXPIRE', key, want) end
end

if op == 'reserve' or op == 'peek' then
  local states = {}
  local allOk = 1
  local k = 2
  for i = 0, count - 1 do
    local base = 6 + i * 5
    local kind = ARGV[base]
    local a = tonumber(ARGV[base + 1])
    local b = tonumber(ARGV[base + 2])
    local c = tonumber(ARGV[base + 3])
    local d = tonumber(ARGV[base + 4])
    local st = { kind = kind, base = base, status = 0, retry = 0 }
    if kind == 'b' then
      st.key = KEYS[k]; k = k + 1
      st.value = level(st.key, a, b)
      if c > a then st.status = 2
      elseif st.value < c then st.status = 1; st.retry = math.ceil((c - st.value) / b) end
    elseif kind == 'c' then
      st.key = KEYS[k]; st.skey = KEYS[k + 1]; k = k + 2
      purge(st.key, st.skey)
      local v = redis.call('HMGET', st.key, 'used', 'held')
      st.value = tonumber(v[1]) or 0
      st.held = tonumber(v[2]) or 0
      if b > a then st.status = 2
      elseif st.value + st.held + b > a then
        st.status = 1
        st.retry = c - now
        if st.value + b <= a then
          st.retry = 1000
          local first = redis.call('ZRANGE', st.skey, 0, 0, 'WITHSCORES')
          if first[2] ~= nil and tonumber(first[2]) - now < st.retry then st.retry = tonumber(first[2]) - now end
        end
      end
    else
      st.key = KEYS[k]; k = k + 1
      redis.call('ZREMRANGEBYSCORE', st.key, '-inf', now)
      st.value = redis.call('ZCARD', st.key)
      if st.value + 1 > a then
        st.status = 1
        st.retry = 1000
        local first = redis.call('ZRANGE', st.key, 0, 0, 'WITHSCORES')
        if first[2] ~= nil and tonumber(first[2]) - now < st.retry then st.retry = tonumber(first[2]) - now end
      end
    end
    if st.status ~= 0 then allOk = 0 end
    states[#states + 1] = st
  end
  local applied = (op == 'reserve' and allOk == 1)
  if applied then
    for _, st in ipairs(states) do
      local base = st.base
      if st.kind == 'b' then
        setLevel(st.key, tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), st.value - tonumber(ARGV[base + 3]))
      elseif st.kind == 'c' then
        redis.call('HINCRBY', st.key, 'held', ARGV[base + 2])
        redis.call('PEXPIREAT', st.key, ARGV[base + 4])
        redis.call('ZADD', st.skey, untilMs, id .. ':' .. ARGV[base + 2])
        redis.call('PEXPIREAT', st.skey, ARGV[base + 4])
      else
        redis.call('ZADD', st.key, untilMs, id)
        keepAtLeast(st.key, untilMs + 1000)
      end
    end
  end
  local out = { allOk }
  for _, st in ipairs(states) do
    local base = st.base
    local a = tonumber(ARGV[base + 1])
    local remaining, reset, used, held
    if st.kind == 'b' then
      local l = st.value
      if applied then l = l - tonumber(ARGV[base + 3]) end
      remaining = math.floor(l)
      reset = math.ceil((a - l) / tonumber(ARGV[base + 2]))
      used = math.ceil(a - l)
      held = 0
    elseif st.kind == 'c' then
      held = st.held
      if applied then held = held + tonumber(ARGV[base + 2]) end
      used = st.value
      remaining = a - used - held
      reset = tonumber(ARGV[base + 3]) - now
    else
      used = st.value
      if applied then used = used + 1 end
      remaining = a - used
      reset = 0
      held = 0
    end
    if remaining < 0 then remaining = 0 end
    if reset < 0 then reset = 0 end
    if used < 0 then used = 0 end
    out[#out + 1] = st.status
    out[#out + 1] = remaining
    out[#out + 1] = reset
    out[#out + 1] = st.retry
    out[#out + 1] = used
    out[#out + 1] = held
  end
  return out
end

if op == 'settle' then
  local doneKey = KEYS[1]
  redis.call('ZREMRANGEBYSCORE', doneKey, '-inf', now)
  if redis.call('ZSCORE', doneKey, id) then return { 0, 0 } end
  redis.call('ZADD', doneKey, untilMs, id)
  keepAtLeast(doneKey, untilMs)
  local found = 0
  local k = 2
  for i = 0, count - 1 do
    local base = 6 + i * 5
    local kind = ARGV[base]
    if kind == 'b' then
      local key = KEYS[k]; k = k + 1
      local cap = tonumber(ARGV[base + 1])
      local rate = tonumber(ARGV[base + 2])
      local delta = tonumber(ARGV[base + 3])
      if delta ~= 0 then
        local l = level(key, cap, rate) - delta
        if l > cap then l = cap end
        setLevel(key, cap, rate, l)
      end
    elseif kind == 'c' then
      local hkey = KEYS[k]; local skey = KEYS[k + 1]; k = k + 2
      local held = tonumber(ARGV[base + 1])
      local expireAt = tonumber(ARGV[base + 3])
      if expireAt > now then
        purge(hkey, skey)
        if redis.call('ZREM', skey, id .. ':' .. ARGV[base + 1]) == 1 then
          if held > 0 then
            local h = redis.call('HINCRBY', hkey, 'held', '-' .. ARGV[base + 1])
            if h < 0 then redis.call('HSET', hkey, 'held', 0) end
          end
          found = found + 1
        end
        redis.call('HINCRBY', hkey, 'used', ARGV[base + 2])
        redis.call('PEXPIREAT', hkey, ARGV[base + 3])
      end
    else
      local key = KEYS[k]; k = k + 1
      found = found + redis.call('ZREM', key, id)
    end
  end
  return { 1, found }
end

if op == 'renew' then
  local found = 0
  local k = 2
  for i = 0, count - 1 do
    local base = 6 + i * 5
    local kind = ARGV[base]
    if kind == 'c' then
      local skey = KEYS[k + 1]; k = k + 2
      local member = id .. ':' .. ARGV[base + 1]
      if redis.call('ZSCORE', skey, member) then
        redis.call('ZADD', skey, untilMs, member)
        found = found + 1
      end
    else
      local key = KEYS[k]; k = k + 1
      if redis.call('ZSCORE', key, id) then
        redis.call('ZADD', key, untilMs, id)
        keepAtLeast(key, untilMs + 1000)
        found = found + 1
      end
    end
  end
  return found
end

return redis.error_reply('unknown budget op ' .. tostring(op))
`;
