-- Shared by the bench's wrk scripts: input files, an optional pacing delay, and a JSON summary.
local M = {}
local data = os.getenv("BENCH_DATA") or "."

function M.lines(name)
  local items = {}
  for line in io.lines(data .. "/" .. name) do
    items[#items + 1] = line
  end
  return items
end

function M.seed()
  -- Each thread gets its own sequence.
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

-- BENCH_DELAY_MS paces each connection (a think time between its requests), for the runs at
-- a fraction of the saturating rate.
local pace = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pace and pace > 0 then
  function delay()
    return pace
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"errors": %d, "non_2xx": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end

return M
