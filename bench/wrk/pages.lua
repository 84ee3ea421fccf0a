-- Cycles through the "<session cookie> <path>" lines of the file named by $TARGETS (one line
-- per candidate, "-" for no cookie), as if every request came from another candidate.
-- Prints one JSON line: requests, seconds, non-200 answers, socket errors, p50/p95/p99 (ms).
local targets = {}
local threads = {}
local counter = 0
bad = 0  -- global: done() reads it from each thread

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  for line in io.lines(os.getenv("TARGETS")) do
    local key, path = line:match("^(%S+) (%S+)$")
    if key then
      local headers = { ["X-Forwarded-Proto"] = "https", ["Host"] = "127.0.0.1" }
      if key ~= "-" then headers["Cookie"] = os.getenv("COOKIE_NAME") .. "=" .. key end
      table.insert(targets, wrk.format("GET", path, headers))
    end
  end
  counter = id or 0
end

function request()
  counter = counter + 1
  return targets[(counter % #targets) + 1]
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, thread in ipairs(threads) do non200 = non200 + thread:get("bad") end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non200": %d, "socket_errors": %d, ' ..
    '"p50": %.2f, "p95": %.2f, "p99": %.2f}\n',
    summary.requests, summary.duration / 1e6, non200,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
