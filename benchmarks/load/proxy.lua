-- proxy.lua: makes wrk talk to an HTTP forward proxy, and prints one machine-readable line.
--
-- wrk has no proxy support, but a proxy client differs from a plain one only in the request
-- target: it sends the absolute URI ("GET http://origin:8080/small HTTP/1.1") to the proxy's
-- address. So wrk is pointed at the proxy and the request path is set to the absolute URI.
-- Settings come from the environment, so one script serves every scenario:
--
--   WRK_TARGET  the request target: an absolute URI through a proxy, a plain path (/small) direct
--   WRK_HOST    the Host header (the origin's host:port, as a real proxy client sends it)
--   WRK_CLOSE   "1": send "Connection: close", so every request opens a new connection
--   WRK_NAMES   space-separated host names; each request takes the next one, in turn
--               (http://NAME/small), for the banned-names scenario
--   WRK_DELAY   milliseconds each connection waits after a response before its next request:
--               a paced load below saturation, where latency is the proxy's own and not a queue
--
-- Static requests (no WRK_NAMES) are built once by wrk itself, so the script costs nothing per
-- request. Rotating names needs request(), which wrk calls per request; that costs wrk a little
-- CPU, so the banned-names rate is a lower bound of what the proxy can do.

local target = os.getenv("WRK_TARGET")
local host = os.getenv("WRK_HOST")
local names = os.getenv("WRK_NAMES")

if target and target ~= "" then
  wrk.path = target
end
if host and host ~= "" then
  wrk.headers["Host"] = host
end
if os.getenv("WRK_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

local pause = tonumber(os.getenv("WRK_DELAY") or "")
if pause and pause > 0 then
  function delay()
    return pause
  end
end

if names and names ~= "" then
  local requests = {}
  local turn = 0

  function init(args)
    for name in string.gmatch(names, "%S+") do
      local headers = {}
      for k, v in pairs(wrk.headers) do
        headers[k] = v
      end
      headers["Host"] = name
      requests[#requests + 1] = wrk.format("GET", "http://" .. name .. "/small", headers)
    end
  end

  function request()
    turn = turn % #requests + 1
    return requests[turn]
  end
end

-- One line the harness parses; runs once, after all threads finished. Latencies in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
      "WRK_RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
          .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
end
