-- wrk script: the cheapest real inference call, one token from a chat completion.
-- Env: AUTH ("Bearer ms-…", optional), MODEL. Prints rps and latency percentiles for run.sh to parse.
local model = os.getenv("MODEL") or "karpathy/stories260K"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":1}'

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.3f p99=%.3f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
