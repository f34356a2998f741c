"""Starts `debrief serve` detached (environment as given), waits for /health/ready and prints
"<pid> <milliseconds from exec to ready>".

usage: start.py BINARY LOG_FILE PORT
"""

import http.client
import subprocess
import sys
import time

binary, log, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
started = time.perf_counter()
process = subprocess.Popen([binary, "serve"], stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                           start_new_session=True)
deadline = started + 30
while time.perf_counter() < deadline:
    if process.poll() is not None:
        sys.exit(f"debrief exited with {process.returncode}; see {log}")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        connection.request("GET", "/health/ready")
        if connection.getresponse().status == 200:
            print(process.pid, round((time.perf_counter() - started) * 1000, 1))
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.002)
process.kill()
sys.exit(f"debrief was not ready within 30 s; see {log}")
