-- wrk: GET one path (wrk's own URL), printing the same JSON line as order.lua.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  answered = {}
end

function response(status, headers, body)
  answered[status] = (answered[status] or 0) + 1
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("answered")) do
      statuses[status] = (statuses[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(statuses) do
    parts[#parts + 1] = string.format('"%d":%d', status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_s":%.3f,"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,'
      .. '"socket_errors":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    errors.connect + errors.read + errors.write + errors.timeout, table.concat(parts, ",")))
end
