-- wrk script for scripts/bench: each thread (one connection each, -t equal to -c) POSTs the
-- bodies whose files the list file it is given names, one path a line, in their order, round and
-- round. The list files come after `--`; thread n takes the n-th, the first again when there are
-- fewer lists than threads. (wrk asks the first thread for one request before the run, to check
-- it, so that thread starts at its second body.)
--
-- A body holding the marker below gets 16 random hex digits in its place (the same in each place)
-- in each request, so that no request is one the server saw before, whatever it keeps.
--
-- Paced as bench-pace.lua (beside this file) says.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-pace.lua")

local marker = "NONCE-0000000000"
local threads = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

function init(args)
  local random = assert(io.open("/dev/urandom", "rb"))
  local a, b, c, d = random:read(4):byte(1, 4)
  random:close()
  math.randomseed(((a * 256 + b) * 256 + c) * 256 + d + number)
  requests, next_request = {}, 1
  for path in io.lines(args[number % #args + 1]) do
    local file = assert(io.open(path, "rb"))
    local request = wrk.format(nil, nil, nil, file:read("*a"))
    file:close()
    local parts, from = {}, 1
    while true do
      local at = request:find(marker, from, true)
      if not at then break end
      parts[#parts + 1] = request:sub(from, at - 1)
      from = at + #marker
    end
    parts[#parts + 1] = request:sub(from)
    requests[#requests + 1] = #parts > 1 and parts or request
  end
end

function request()
  local request = requests[next_request]
  next_request = next_request % #requests + 1
  if type(request) == "string" then
    return request
  end
  return table.concat(request, string.format("%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff)))
end
