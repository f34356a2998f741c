-- A candidate reads one of their own released feedback documents by id.
local common = dofile((os.getenv("BENCH_LUA") or ".") .. "/common.lua")
local tokens, ids

function init(args)
  common.seed()
  tokens = common.lines("employees.txt")
  ids = common.lines("released.txt")
end

function request()
  local n = math.random(0, #ids - 1)
  return wrk.format("GET", "/v1/me/feedback/" .. ids[n + 1],
    { ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1] })
end
