-- wrk script for scripts/bench: POSTs the JSON body read from the file named after `--`. With
-- BENCH_TURN_PAUSE_MS set, each connection waits that many milliseconds after each reply before
-- its next request, as bench-turns.lua's do.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local pause = tonumber(os.getenv("BENCH_TURN_PAUSE_MS") or "")

if pause then
  function delay()
    return pause
  end
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
end
