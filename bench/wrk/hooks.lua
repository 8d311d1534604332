-- wrk script: POST /hooks/:slug with a new Idempotency-Key on every request, so that every
-- request is a new delivery (202). Keys are "<BENCH_KEY_PREFIX>-<thread>-<counter>".
local prefix = os.getenv("BENCH_KEY_PREFIX") or "wrk"
local body = os.getenv("BENCH_BODY") or '{"order":1}'
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  counter = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = prefix .. "-" .. thread_number .. "-" .. counter
  return wrk.format("POST", nil, headers, body)
end
