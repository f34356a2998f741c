-- A candidate lists their released feedback (first page).
local common = dofile((os.getenv("BENCH_LUA") or ".") .. "/common.lua")
local tokens

function init(args)
  common.seed()
  tokens = common.lines("employees.txt")
end

function request()
  return wrk.format("GET", "/v1/me/feedback?limit=20",
    { ["Authorization"] = "Bearer " .. tokens[math.random(1, #tokens)] })
end
