-- wrk script for bench/pages.py: each request goes as the next signed-in user, to that user's
-- office. Arguments: a path with {slug}, then slug=sessionid pairs (an empty sessionid: anonymous).
local users = {}
local counter = 0

function init(args)
  local template = args[1]
  for i = 2, #args do
    local slug, session = args[i]:match("([^=]+)=(.*)")
    local path = template:gsub("{slug}", slug)
    local headers = {}
    if session ~= "" then headers["Cookie"] = "sessionid=" .. session end
    table.insert(users, {path = path, headers = headers})
  end
end

function request()
  counter = counter + 1
  local user = users[(counter % #users) + 1]
  return wrk.format("GET", user.path, user.headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "requests": %d, "seconds": %.3f, "socket_errors": %d, "non_2xx": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.duration / 1e6,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
