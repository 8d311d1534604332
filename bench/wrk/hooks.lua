-- wrk script: POST /hooks/:slug with a new Idempotency-Key on every request, so that every
-- request is a new delivery (202). Keys are "<BENCH_KEY_PREFIX>-<thread>-<counter>".
-- BENCH_REPEATED_KEY sends that one key on every request instead (all duplicates, 200).
local prefix = os.getenv("BENCH_KEY_PREFIX") or "wrk"
local repeated = os.getenv("BENCH_REPEATED_KEY")
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
  headers["Idempotency-Key"] = repeated or (prefix .. "-" .. thread_number .. "-" .. counter)
  return wrk.format("POST", nil, headers, body)
end
