-- wrk script: sends the requests of the file named by BENCH_REQUESTS (one a
-- line: "Header: value" fields and the body, tab-separated; see
-- scripts/peerbench), each thread its share, each request once while they
-- last. It counts 200s, "busy" answers and other statuses.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local reqs, n, i = {}, 0, 0

function init(args)
  local k = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if k % counter_total() == id then
      local fields = {}
      for f in string.gmatch(line, "[^\t]+") do table.insert(fields, f) end
      local headers = {}
      for j = 1, #fields - 1 do
        local name, value = string.match(fields[j], "^([^:]+): (.*)$")
        headers[name] = value
      end
      n = n + 1
      reqs[n] = wrk.format("POST", nil, headers, fields[#fields])
    end
    k = k + 1
  end
end

function counter_total() return tonumber(os.getenv("BENCH_THREADS")) end

function request()
  i = i + 1
  if i > n then wrapped = (wrapped or 0) + 1; i = 1 end
  return reqs[i]
end

function response(status, headers, body)
  if status ~= 200 then bad = (bad or 0) + 1
  elseif string.find(body, "busy", 1, true) then busy = (busy or 0) + 1 end
end

function done(summary, latency, requests)
  local b, x, w = 0, 0, 0
  for _, t in ipairs(threads) do
    b = b + (t:get("busy") or 0); x = x + (t:get("bad") or 0); w = w + (t:get("wrapped") or 0)
  end
  io.write(string.format("answered: %d, of which busy: %d; non-200: %d; request list reused: %d times\n",
    summary.requests, b, x, w))
end
