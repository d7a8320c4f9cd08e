-- wrk: with SKUS set (comma-separated), place one-line orders: one hot SKU for a flash sale,
-- many for uniform load; without it, GET wrk's own URL. Prints one JSON line with
-- throughput, latency and the answers by status, for bench/run.py to read.
local skus = {}
for sku in string.gmatch(os.getenv("SKUS") or "", "[^,]+") do
  skus[#skus + 1] = sku
end
local price = os.getenv("PRICE") or "10.00"
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  answered = {}
end

if #skus > 0 then
  function request()
    local sku = skus[math.random(#skus)]
    local body = '{"orderLineItemsDtoList":[{"skuCode":"' .. sku .. '","price":' .. price .. ',"quantity":1}]}'
    return wrk.format("POST", "/api/order/create", { ["Content-Type"] = "application/json" }, body)
  end
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
