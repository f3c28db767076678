#!/usr/bin/env python3
# The bench's stopwatch (bench/run.mjs starts one and keeps it for the whole run), a /usr/bin/time
# with microseconds. Node cannot read a child's resource usage (process.resourceUsage() is
# getrusage(RUSAGE_SELF): the calling process only), so this helper spawns each measured command
# and collects it with wait4(2), which returns the rusage of that child *and of every descendant it
# waited for*: the hook's node process (all its threads) plus every hook tool it spawned and reaped
# (a fake's exec'd `sleep` is the same process). Not counted: this helper, the bench, and any process
# left behind unreaped (there should be none: the bench checks the exit of every run).
# ru_maxrss is the largest peak RSS of any one process in that tree: the hook's node process.
#
# Protocol: one JSON request per line on stdin,
#   {"argv": [...], "env": {...}, "cwd": "...", "stdout": "file", "stderr": "file"}
# one JSON answer per line on stdout,
#   {"exitCode": n|null, "signal": n|null, "wallMs": x, "userMs": x, "sysMs": x, "maxRssKb": n}
# wallMs runs from just before posix_spawn to just after wait4 returns.
import json
import os
import sys
import time

for line in sys.stdin:
    req = json.loads(line)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, '/dev/null', os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, req['stdout'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        (os.POSIX_SPAWN_OPEN, 2, req['stderr'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    os.chdir(req['cwd'])
    start = time.perf_counter()
    pid = os.posix_spawn(req['argv'][0], req['argv'], req['env'], file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    answer = {
        'exitCode': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        'wallMs': wall * 1000,
        'userMs': usage.ru_utime * 1000,
        'sysMs': usage.ru_stime * 1000,
        'maxRssKb': usage.ru_maxrss,
    }
    sys.stdout.write(json.dumps(answer) + '\n')
    sys.stdout.flush()
