-- Loaded by scripts/bench's wrk scripts: with BENCH_TURN_PAUSE_MS set, each connection waits that
-- many milliseconds after each reply before its next request, a flow at a pace of its own rather
-- than as fast as the server answers.
local pause = tonumber(os.getenv("BENCH_TURN_PAUSE_MS") or "")

if pause then
  function delay()
    return pause
  end
end
