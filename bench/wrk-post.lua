-- wrk script of the speed bench: POSTs the JSON file named by $WRK_BODY and prints
-- "RESULT p50_ms p95_ms req_per_s errors model_p50_ms requests" (the model time read from aifunc's Server-Timing:
-- model;dur=..., "-" when the server sends none).
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
models = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  local timing = headers["Server-Timing"] or headers["server-timing"]
  if timing then
    local m = timing:match("model;dur=([%d%.]+)")
    if m then table.insert(models, tonumber(m)) end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
  local all = {}
  for _, t in ipairs(threads) do
    for _, v in ipairs(t:get("models")) do table.insert(all, v) end
  end
  table.sort(all)
  local model = #all > 0 and string.format("%.2f", all[math.floor(#all / 2) + 1]) or "-"
  io.write(string.format("RESULT %.2f %.2f %.1f %d %s %d\n", latency:percentile(50) / 1000,
      latency:percentile(95) / 1000, summary.requests / (summary.duration / 1e6), errors, model, summary.requests))
end
