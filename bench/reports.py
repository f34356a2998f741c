"""Times HR's reports, one request at a time (a report is a query HR runs, not a load): for
each report, as JSON and as CSV (`Accept: text/csv`), for the whole tenant and for one
department, a warm-up and then ROUNDS timed requests. Writes RESULTS_DIR/reports.json:
[{"report", "format", "filter", "status", "bytes", "median_ms", "max_ms"}].

usage: reports.py BASE_URL TOKEN_FILE RESULTS_DIR [ROUNDS]
"""

import json
import os
import statistics
import sys
import time
import urllib.request

base, token_file, results = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
token = open(token_file).read().split()[0]
REPORTS = ["timeliness", "outcomes", "rejection-reasons", "competency-gaps"]
FORMATS = {"json": "application/json", "csv": "text/csv"}
FILTERS = {"tenant": "", "department": "?department=Department%207"}


def fetch(path, accept):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token, "Accept": accept})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return (time.perf_counter() - started) * 1000, status, len(body)


rows = []
for report in REPORTS:
    for fmt, accept in FORMATS.items():
        for name, query in FILTERS.items():
            path = f"/v1/reports/{report}{query}"
            ms, status, size = fetch(path, accept)
            timings, statuses = [], set()
            # A report that fails (the statement timeout: 503) is not timed again: its warm-up
            # says how long it took to fail.
            for _ in range(rounds if status == 200 else 0):
                ms, status, size = fetch(path, accept)
                timings.append(ms)
                statuses.add(status)
            if not timings:
                timings, statuses = [ms], {status}
            row = {"report": report, "format": fmt, "filter": name,
                   "status": statuses.pop() if len(statuses) == 1 else sorted(statuses),
                   "bytes": size, "median_ms": statistics.median(timings), "max_ms": max(timings)}
            rows.append(row)
            print(f"  report {report} {fmt} {name}: {row['median_ms']:.0f} ms median, {row['max_ms']:.0f} ms max, "
                  f"status {row['status']}, {size} bytes", file=sys.stderr)
with open(os.path.join(results, "reports.json"), "w") as out:
    json.dump(rows, out, indent=1)
