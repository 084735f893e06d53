-- bench/patch-cycle.lua: wrk script for one full update cycle against
-- aml-emulator, as aml-update-ws runs it: PATCH the web service BENCH_WS
-- (its path), poll its Azure-AsyncOperation until Succeeded (every
-- POLL_MS), GET the resource.  Run it with one connection per thread
-- (-c N -t N); with BENCH_MULTI=1, thread i uses the service BENCH_WS-00i
-- (POST /_emu/services makes them), since one service runs one
-- operation at a time.
-- done() prints the cycles and their mean latency.
--
--	wrk -t1 -c1 -d10s -s bench/patch-cycle.lua URL

local token = os.getenv("BENCH_TOKEN")
local ws = os.getenv("BENCH_WS")
local poll_ms = tonumber(os.getenv("POLL_MS") or "20")
local threads = {}
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
	table.insert(threads, thread)
end

function init(args)
	cycles = 0
	errors = 0
	state = "patch"
	op = nil
	local n = os.getenv("BENCH_MULTI") and string.format("%s-%03d", ws, id) or ws
	path = n .. "?api-version=2017-01-01"
	title = 0
end

local function headers()
	return { ["Authorization"] = "Bearer " .. token,
	    ["Content-Type"] = "application/json" }
end

function request()
	if state == "patch" then
		title = title + 1
		return wrk.format("PATCH", path, headers(),
		    '{"properties":{"packageType":"Graph","title":"bench ' .. title .. '"}}')
	elseif state == "poll" then
		return wrk.format("GET", op, headers())
	else
		return wrk.format("GET", path, headers())
	end
end

function delay()
	if state == "poll" then
		return poll_ms
	end
	return 0
end

function response(status, hdrs, body)
	if state == "patch" then
		op = hdrs["Azure-AsyncOperation"]
		if status ~= 200 or not op then
			errors = errors + 1
			return
		end
		op = op:gsub("^https?://[^/]+", "")
		state = "poll"
	elseif state == "poll" then
		if body:find('"status": "Succeeded"', 1, true) then
			state = "get"
		elseif body:find('"status": "Failed"', 1, true) or status ~= 200 then
			errors = errors + 1
			state = "patch"
		end
	else
		if status == 200 and body:find('"title": "bench ' .. title .. '"', 1, true) then
			cycles = cycles + 1
		else
			errors = errors + 1
		end
		state = "patch"
	end
end

function done(summary, latency, requests)
	local total, bad = 0, 0
	for _, t in ipairs(threads) do
		total = total + t:get("cycles")
		bad = bad + t:get("errors")
	end
	local secs = summary.duration / 1e6
	io.write(string.format("cycles %d, errors %d, %.1f cycles/s, mean cycle %.1f ms " ..
	    "(per connection), %d requests\n", total, bad, total / secs,
	    total > 0 and (secs * #threads * 1000 / total) or 0, summary.requests))
end
