"""Shared state in Redis, so several replicas behave as one bot.

Every multi-step operation is one Lua script (atomic on the server) and reads the clock with Redis `TIME`,
so replicas with slightly different clocks still agree on leases, windows and pace slots.
"""

from __future__ import annotations

from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .base import FloodHit, FloodState, JournalEntry

DEFAULT_PREFIX = "smtpbot:"
# Keys that can be left behind by a crash expire on their own after this long.
JOURNAL_TTL_SECONDS = 7 * 24 * 3600
# `accept` runs while Slack waits for its acknowledgement: a hung Redis may cost it this long, no more
# (Slack waits 3 s). A healthy but slow answer past it puts that one job in the replica's memory; only a
# failed ping stops the replica asking Redis (FallbackState).
ACK_TIMEOUT_SECONDS = 0.1
# Everything else runs on worker threads; a failed call is not retried (FallbackState takes over).
WORK_TIMEOUT_SECONDS = 1.0

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: jobs hash, lease zset, attempts hash, dedup keys...   ARGV: job id, payload, dedup ttl ms, lease
_ACCEPT = (
    _NOW
    + """
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 4, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[3])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], 1)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return 1
"""
)

# KEYS: jobs hash, lease zset, attempts hash   ARGV: lease, limit
_RECLAIM = (
    _NOW
    + """
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local payload = redis.call('HGET', KEYS[1], id)
  if payload then
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), id)
    local attempts = redis.call('HINCRBY', KEYS[3], id, 1)
    table.insert(out, id)
    table.insert(out, payload)
    table.insert(out, attempts)
  else
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
  end
end
return out
"""
)

# KEYS: lease zset   ARGV: lease, ids...
_RENEW = (
    _NOW
    + """
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
return 1
"""
)

_FLOOD_VIEW = """
local function view()
  local h = redis.call('HMGET', KEYS[1], 'first_seen', 'last_seen', 'ts', 'shown')
  local count = redis.call('SCARD', KEYS[2])
  return {tostring(count), h[1] or '0', h[2] or '0', h[3] or '', h[4] or '0'}
end
"""

# KEYS: record hash, member set, stale zset   ARGV: member, window, poster lease, flood key
_FLOOD_HIT = (
    _NOW
    + _FLOOD_VIEW
    + """
local post = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'first_seen', now, 'last_seen', now, 'shown', 0,
             'poster_until', now + tonumber(ARGV[3]), 'poster', ARGV[1])
  redis.call('SADD', KEYS[2], ARGV[1])
  local window_ms = math.ceil(tonumber(ARGV[2]) * 1000)
  redis.call('PEXPIRE', KEYS[1], window_ms)
  redis.call('PEXPIRE', KEYS[2], window_ms)
  post = 1
else
  if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
    redis.call('HSET', KEYS[1], 'last_seen', now)
  end
  local ts = redis.call('HGET', KEYS[1], 'ts')
  if not ts then
    if redis.call('HGET', KEYS[1], 'poster') == ARGV[1] then
      post = 1
    elseif tonumber(redis.call('HGET', KEYS[1], 'poster_until') or '0') <= now then
      redis.call('HSET', KEYS[1], 'poster_until', now + tonumber(ARGV[3]), 'poster', ARGV[1])
      post = 1
    end
  elseif tonumber(redis.call('HGET', KEYS[1], 'shown') or '0') < redis.call('SCARD', KEYS[2]) then
    redis.call('ZADD', KEYS[3], 'NX', now, ARGV[4])
  end
end
local v = view()
table.insert(v, 1, tostring(post))
return v
"""
)

# KEYS: record hash, member set, stale zset   ARGV: shown, flood key, ts ('' to leave as is)
_FLOOD_SHOWN = (
    _NOW
    + _FLOOD_VIEW
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'ts', ARGV[3]) end
local shown = tonumber(ARGV[1])
if shown > tonumber(redis.call('HGET', KEYS[1], 'shown') or '0') then
  redis.call('HSET', KEYS[1], 'shown', shown)
end
if shown >= redis.call('SCARD', KEYS[2]) then
  redis.call('ZREM', KEYS[3], ARGV[2])
else
  redis.call('ZADD', KEYS[3], 'NX', now, ARGV[2])
end
return view()
"""
)

# KEYS: stale zset   ARGV: grace, limit, record key prefix
_FLOOD_STALE = (
    _NOW
    + """
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]),
                       'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, key in ipairs(keys) do
  if redis.call('EXISTS', ARGV[3] .. key) == 1 then
    redis.call('ZADD', KEYS[1], now, key)
    table.insert(out, key)
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return out
"""
)

# KEYS: pace key   ARGV: interval
_PACE = (
    _NOW
    + """
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil((slot - now + interval) * 1000) + 60000)
return tostring(slot - now)
"""
)


class RedisState:
    """`SharedState` on Redis (redis-py). All keys start with `prefix`."""

    name = "redis"

    def __init__(
        self, client: redis.Redis, prefix: str = DEFAULT_PREFIX, ack_client: redis.Redis | None = None
    ) -> None:
        self.r = client
        self.ack_client = ack_client or client  # for `accept`, on the acknowledgement's path
        self.prefix = prefix
        self._jobs = prefix + "jobs"
        self._leases = prefix + "jobs:lease"
        self._attempts = prefix + "jobs:attempts"
        self._stale = prefix + "flood:stale"
        self._accept = client.register_script(_ACCEPT)
        self._reclaim = client.register_script(_RECLAIM)
        self._renew = client.register_script(_RENEW)
        self._flood_hit = client.register_script(_FLOOD_HIT)
        self._flood_shown = client.register_script(_FLOOD_SHOWN)
        self._flood_stale = client.register_script(_FLOOD_STALE)
        self._pace = client.register_script(_PACE)

    @classmethod
    def from_url(cls, url: str, prefix: str = DEFAULT_PREFIX) -> RedisState:
        """Two connection pools: a short timeout for `accept`, a longer one for the work behind it.
        Neither retries: redis-py's default (ten tries with backoff) made a hung Redis cost seconds."""

        def client(timeout: float) -> redis.Redis:
            return redis.Redis.from_url(
                url,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                health_check_interval=30,
                retry=Retry(NoBackoff(), 0),
                retry_on_timeout=False,
                decode_responses=True,
            )

        return cls(client(WORK_TIMEOUT_SECONDS), prefix, ack_client=client(ACK_TIMEOUT_SECONDS))

    def _value_key(self, key: str) -> str:
        return f"{self.prefix}v:{key}"

    def _flood_keys(self, key: str) -> list[str]:
        record = f"{self.prefix}flood:r:{key}"
        return [record, record + ":m", self._stale]

    # --- journal ----------------------------------------------------------------------------------

    def accept(
        self, job_id: str, payload: str, dedup_keys: tuple[str, ...], dedup_ttl: float, lease: float
    ) -> bool:
        keys = [self._jobs, self._leases, self._attempts, *(self._value_key(k) for k in dedup_keys)]
        args = [job_id, payload, max(1, int(dedup_ttl * 1000)), lease, JOURNAL_TTL_SECONDS]
        return bool(self._accept(keys=keys, args=args, client=self.ack_client))

    def finish(self, job_id: str) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.zrem(self._leases, job_id)
        pipe.hdel(self._jobs, job_id)
        pipe.hdel(self._attempts, job_id)
        pipe.execute()

    def renew(self, job_ids: tuple[str, ...], lease: float) -> None:
        if job_ids:
            self._renew(keys=[self._leases], args=[lease, *job_ids])

    def reclaim(self, lease: float, limit: int) -> list[JournalEntry]:
        raw = self._reclaim(keys=[self._jobs, self._leases, self._attempts], args=[lease, limit])
        return [JournalEntry(raw[i], raw[i + 1], int(raw[i + 2])) for i in range(0, len(raw), 3)]

    # --- values -----------------------------------------------------------------------------------

    def claim(self, key: str, ttl: float, owner: str = "1") -> bool:
        full = self._value_key(key)
        if self.r.set(full, owner, nx=True, px=max(1, int(ttl * 1000))):
            return True
        return owner != "1" and self.r.get(full) == owner

    def put(self, key: str, value: str, ttl: float) -> None:
        self.r.set(self._value_key(key), value, px=max(1, int(ttl * 1000)))

    def get(self, key: str) -> str | None:
        value = self.r.get(self._value_key(key))
        return None if value is None else str(value)

    # --- flood control ------------------------------------------------------------------------------

    @staticmethod
    def _state(view: list[Any]) -> FloodState:
        count, first_seen, last_seen, ts, shown = view
        return FloodState(
            count=int(count),
            first_seen=float(first_seen),
            last_seen=float(last_seen),
            answer_ts=ts or None,
            shown=int(shown),
        )

    def flood_hit(self, key: str, member: str, window: float, poster_lease: float) -> FloodHit:
        raw = self._flood_hit(keys=self._flood_keys(key), args=[member, window, poster_lease, key])
        return FloodHit(post=raw[0] == "1", state=self._state(raw[1:]))

    def flood_posted(self, key: str, answer_ts: str, shown: int) -> FloodState | None:
        raw = self._flood_shown(keys=self._flood_keys(key), args=[shown, key, answer_ts])
        return self._state(raw) if raw else None

    def flood_shown(self, key: str, shown: int) -> FloodState | None:
        raw = self._flood_shown(keys=self._flood_keys(key), args=[shown, key, ""])
        return self._state(raw) if raw else None

    def flood_get(self, key: str) -> FloodState | None:
        record, members, _ = self._flood_keys(key)
        pipe = self.r.pipeline(transaction=True)
        pipe.hmget(record, "first_seen", "last_seen", "ts", "shown")
        pipe.scard(members)
        fields, count = pipe.execute()
        if fields[0] is None:
            return None
        return self._state([count, fields[0], fields[1] or "0", fields[2] or "", fields[3] or "0"])

    def flood_stale(self, grace: float, limit: int) -> list[str]:
        return list(self._flood_stale(keys=[self._stale], args=[grace, limit, f"{self.prefix}flood:r:"]))

    # --- pace ---------------------------------------------------------------------------------------

    def pace_reserve(self, channel: str, interval: float) -> float:
        return float(self._pace(keys=[f"{self.prefix}pace:{channel}"], args=[interval]))

    def ping(self) -> None:
        self.r.ping()

    def close(self) -> None:
        self.r.close()
        if self.ack_client is not self.r:
            self.ack_client.close()
