"""The Lua scripts that make the Redis store's multi-key writes atomic.

Plain Redis only (EVALSHA and core commands, no modules), so the store works on
managed Redis. Each script checks everything before it writes anything, because
Redis does not roll a script back when a later command in it fails.
Execution hashes keep ``status`` and ``sequence`` as plain text so scripts can
compare them; other fields hold JSON.
"""

from __future__ import annotations

# KEYS: execution hash, all-executions zset, RUNNING zset.
# ARGV: created_at, execution_id, field, value, ...
# Returns nil when created, else the stored hash (the caller compares it).
CREATE_EXECUTION = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGETALL', KEYS[1])
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
return nil
"""

# KEYS: execution hash, history list, PAUSED zset, RUNNING zset.
# ARGV: expected sequence, new sequence, position, tokens, cost, updated_at, body, id.
# Returns {0} on success, {1} unknown, {2, status} finished, {3, sequence} stale.
COMMIT_TRANSITION = """
local current = redis.call('HMGET', KEYS[1], 'status', 'sequence')
local status = current[1]
if not status then return {1} end
if status ~= 'RUNNING' and status ~= 'PAUSED' then return {2, status} end
if current[2] ~= ARGV[1] then return {3, current[2]} end
redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'sequence', ARGV[2], 'position', ARGV[3],
  'tokens', ARGV[4], 'cost', ARGV[5], 'updated_at', ARGV[6])
redis.call('RPUSH', KEYS[2], ARGV[7])
if status == 'PAUSED' then
  local created = redis.call('ZSCORE', KEYS[3], ARGV[8])
  redis.call('ZREM', KEYS[3], ARGV[8])
  redis.call('ZADD', KEYS[4], created, ARGV[8])
end
return {0}
"""

# KEYS: execution hash, RUNNING zset, PAUSED zset, zset of the new status.
# ARGV: new status, execution id, field, value, ... (set with the status).
# Returns {0} moved (or already in a non-final new status), {1} unknown,
# {2, status} already finished.
MOVE_STATUS = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {1} end
if status ~= 'RUNNING' and status ~= 'PAUSED' then return {2, status} end
if status == ARGV[1] then return {0} end
local created = redis.call('HGET', KEYS[1], 'created_at')
redis.call('HSET', KEYS[1], 'status', ARGV[1], unpack(ARGV, 3))
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], created, ARGV[2])
return {0}
"""

# KEYS: lease key. ARGV: owner, lease in milliseconds.
CLAIM = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""

# KEYS: lease key. ARGV: owner, lease in milliseconds.
RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS: lease key. ARGV: owner.
RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
"""

# KEYS: request hash, all-requests zset, pending zset, the execution's requests zset.
# ARGV: created_at, request_id, field, value, ...
# Returns nil when created, else the stored hash (the caller compares it).
CREATE_REQUEST = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGETALL', KEYS[1])
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[1], ARGV[2])
return nil
"""

# KEYS: request hash, pending zset. ARGV: decision, decided_at, request_id.
# Returns 1 decided now, 0 decided before, -1 unknown.
DECIDE_REQUEST = """
local decided = redis.call('HGET', KEYS[1], 'decided_at')
if not decided then return -1 end
if decided ~= 'null' then return 0 end
redis.call('HSET', KEYS[1], 'decision', ARGV[1], 'decided_at', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
return 1
"""

# KEYS: execution hash, RUNNING zset, FAILED zset, TIMED_OUT zset, ABORTED zset.
# ARGV: execution id, updated_at, encoded null.
# Returns {0} reopened, {1} unknown, {2, status} not a failed execution.
REOPEN_EXECUTION = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {1} end
if status ~= 'FAILED' and status ~= 'TIMED_OUT' and status ~= 'ABORTED' then
  return {2, status}
end
local created = redis.call('HGET', KEYS[1], 'created_at')
redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'updated_at', ARGV[2],
  'output', ARGV[3], 'error', ARGV[3], 'cause', ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[2], created, ARGV[1])
return {0}
"""
