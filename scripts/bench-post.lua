-- wrk script for scripts/bench: POSTs the JSON body read from the file named after `--`, paced
-- as bench-pace.lua (beside this file) says.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-pace.lua")

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
end
