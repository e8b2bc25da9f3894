"""Run a command; write its exit status and peak RSS (KiB) as JSON to the file OUT.
Usage: python peak_rss.py OUT -- CMD...

Why a process of its own: the kernel counts in a child's peak RSS the memory of the process it
was forked from (the pages it shares until exec). Forked from the test run, which holds models,
every child would look as large as the test run; forked from this small process, it is measured
alone. SIGTERM here kills the command with SIGKILL (a `kill -9` mid-ingest) and still reports.
"""

import json
import os
import signal
import subprocess
import sys

out, command = sys.argv[1], sys.argv[3:]
child = subprocess.Popen(command)
signal.signal(signal.SIGTERM, lambda *_: os.kill(child.pid, signal.SIGKILL))
while True:
    try:
        _, status, usage = os.wait4(child.pid, 0)
        break
    except InterruptedError:
        continue
child.returncode = os.waitstatus_to_exitcode(status)
with open(out, "w") as fh:
    json.dump({"status": child.returncode, "peak_kb": usage.ru_maxrss}, fh)
