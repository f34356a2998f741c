-- HR pages through the review queue (submitted feedback, 50 a page), or the list BENCH_PATH
-- names (e.g. the overdue queue). With BENCH_CURSORS set (a file of cursors), each request
-- starts at a random position of the list.
local common = dofile((os.getenv("BENCH_LUA") or ".") .. "/common.lua")
local token, cursors
local base = os.getenv("BENCH_PATH") or "/v1/feedback?status=submitted&limit=50"

function init(args)
  common.seed()
  token = common.lines(os.getenv("BENCH_HR") or "hr.txt")[1]
  local file = os.getenv("BENCH_CURSORS")
  if file then
    cursors = common.lines(file)
  end
end

function request()
  local path = base
  if cursors then
    path = path .. "&cursor=" .. cursors[math.random(1, #cursors)]
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
