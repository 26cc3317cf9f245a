-- wrk script of the soak: POSTs the file named by $WRK_BODY with Content-Type $WRK_TYPE and prints
-- "RESULT requests req_per_s p50_ms p99_ms non_2xx socket_errors codes" where codes lists "status:count" pairs.
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("WRK_TYPE") or "application/json"
codes = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("codes")) do all[status] = (all[status] or 0) + n end
  end
  local listed, non2xx = {}, 0
  for status, n in pairs(all) do
    table.insert(listed, status .. ":" .. n)
    if status < 200 or status > 299 then non2xx = non2xx + n end
  end
  table.sort(listed)
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %.1f %.2f %.2f %d %d %s\n", summary.requests,
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      non2xx, socket, table.concat(listed, ",")))
end
