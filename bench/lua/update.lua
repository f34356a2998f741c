-- A hiring manager saves a draft with If-Match (read, validate, conditional update, workflow
-- event and audit row in one transaction). Threads own disjoint drafts and cycle through them;
-- the version of each draft is taken from the previous response.
local common = dofile((os.getenv("BENCH_LUA") or ".") .. "/common.lua")
local managers, mine, versions, next_index = nil, {}, {}, 0
local body = [[{"document": {"reasons": ["skills_gap"], "assessments": [{"competency": "communication", "level": "developing", "evidence": "Explained the migration clearly; stakeholder updates need more structure."}], "strengths": ["Clear writing", "Platform knowledge"], "improvement_areas": [{"description": "Leading senior stakeholders when priorities conflict."}], "development_actions": [{"kind": "course", "title": "Stakeholder management course", "horizon": "short_term", "target_date": "2027-03-01"}, {"kind": "mentoring", "title": "Monthly mentoring with a senior analyst", "horizon": "long_term"}], "alternative_paths": ["Product owner rotation"], "readiness": {"estimate": "within_12_months", "note": "Within reach after the stretch assignment."}, "summary": "Thank you for applying. The panel chose a candidate with more senior stakeholder experience; the plan below is what we would focus on next.", "follow_up_offered": true}, "internal_notes": "Panel split 3-1. Save %d."}]]
-- Every save changes the notes: a save of what is already there is a no-op (no write), and
-- this scenario measures the write.
local saves = 0

local counter = 0
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function init(args)
  common.seed()
  managers = common.lines("managers.txt")
  local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
  local n = 0
  for _, line in ipairs(common.lines("drafts.txt")) do
    if n % threads == index then
      local id, manager = line:match("(%S+) (%d+)")
      mine[#mine + 1] = { id = id, token = "Bearer " .. managers[tonumber(manager) + 1] }
      versions[id] = 1
    end
    n = n + 1
  end
end

function request()
  next_index = next_index % #mine + 1
  local draft = mine[next_index]
  saves = saves + 1
  return wrk.format("PUT", "/v1/feedback/" .. draft.id, {
    ["Authorization"] = draft.token,
    ["Content-Type"] = "application/json",
    ["If-Match"] = '"' .. versions[draft.id] .. '"',
  }, string.format(body, saves))
end

function response(status, headers, response_body)
  if status == 200 then
    local id = response_body:match('"id":"([%x%-]+)"')
    local version = response_body:match('"version":(%d+)')
    if id and version then
      versions[id] = tonumber(version)
    end
  end
end
