-- wrk script: each connection pages through a TAXII collection 1,000
-- objects at a time (LIMIT in the environment changes it) with
-- added_after, taken from the X-TAXII-Date-Added-Last header of its
-- previous page, and starts over at the end. Needs TOKEN in the environment.
local token = os.getenv("TOKEN")
local limit = os.getenv("LIMIT") or "1000"
local cursor = nil
local pages, objects_empty = 0, 0

wrk.headers["Accept"] = "application/taxii+json;version=2.1"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  local path = wrk.path .. "?limit=" .. limit
  if cursor then
    path = path .. "&added_after=" .. cursor
  end
  return wrk.format("GET", path)
end

response = function(status, headers, body)
  if status ~= 200 then
    return
  end
  local last = headers["X-Taxii-Date-Added-Last"] or headers["X-TAXII-Date-Added-Last"]
  if last then
    cursor = last
  else
    cursor = nil
  end
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d req/s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f MB/s=%.1f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.bytes / secs / 1e6))
end
