"""What bench.py's sections share: the runtimes under test, one timed call through the static
spawn helper, calls in parallel, the process tree below the benchmark, and statistics.

Python 3 standard library only (the vm mode copies exactly the modules it imports into the guest).
"""

import collections
import contextlib
import glob
import math
import os
import random
import signal
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

PR_SET_CHILD_SUBREAPER = 36
SPAWN = []                                # [path of the built spawn helper]


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def die(msg):
    log(msg)
    sys.exit(1)


def cpu_idle_ticks():
    """(idle, total) jiffies of all CPUs from /proc/stat (idle counts iowait too)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    return fields[3] + fields[4], sum(fields)


def cpu_steal_ticks():
    """(steal, total) jiffies of all CPUs from /proc/stat: time the hypervisor gave our virtual
    CPUs' turn to someone else, a slowdown no process here shows."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    return fields[7], sum(fields)


def teardown_counters():
    """What the kernel still holds of containers gone: network namespaces alive or dying (the
    net_namespace slab's objects) and dying cgroups (nr_dying_descendants of each cgroup2 root
    mounted); None for what this kernel does not show."""
    netns = None
    try:
        with open("/proc/slabinfo") as f:
            for line in f:
                if line.startswith("net_namespace "):
                    netns = int(line.split()[1])
    except OSError:
        pass
    dying = 0
    for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        try:
            with open(os.path.join(root, "cgroup.stat")) as f:
                for line in f:
                    if line.startswith("nr_dying_descendants "):
                        dying += int(line.split()[1])
        except OSError:
            pass
    return netns, dying


QUIESCE = [True]                          # [wait for the kernel's teardown before a timed call]
NETNS_QUIET = [None]                      # [net_namespace objects when nothing is being torn down]


def quiesce(timeout=0.1):
    """Before a timed call of the sequential sections: waits (at most `timeout` seconds) until
    the network namespaces of the calls before are freed, so that a call does not pay for its
    predecessor's teardown (~0.5 ms after a container's exit here; a clone with a new network
    namespace waits for it).  In a fixed order the same runtime always paid for the same
    neighbour; shuffled, every runtime pays the average, which shrinks the ratios between them.
    The quiet count is the lowest seen; one that stays above it (namespaces made by something
    else on the machine) becomes the new quiet count after the timeout."""
    if not QUIESCE[0]:
        return
    deadline = time.monotonic() + timeout
    while True:
        n = teardown_counters()[0]
        if n is None:
            return
        if NETNS_QUIET[0] is None or n < NETNS_QUIET[0]:
            NETNS_QUIET[0] = n
        if n <= NETNS_QUIET[0]:
            return
        if time.monotonic() > deadline:
            NETNS_QUIET[0] = n
            return
        time.sleep(0.0002)


def settle(what, poll=0.25, quiet=1.0, min_idle=0.8, timeout=120.0):
    """Waits until the kernel has finished tearing down what the calls before left behind: the
    counts of teardown_counters() unchanged and the CPUs at least min_idle idle for `quiet`
    seconds (at most `timeout`).  Otherwise the next section pays for it: a clone with a new
    network namespace waits for the lock that hundreds of namespaces being torn down hold (a
    `create` read as slow as a whole `run` right after a scale section).  Returns the seconds
    waited; logs when that was more than `quiet`."""
    t0 = time.monotonic()
    last, since = teardown_counters(), time.monotonic()
    idle0 = cpu_idle_ticks()
    while True:
        time.sleep(poll)
        now = time.monotonic()
        cur = teardown_counters()
        if cur != last:
            last, since, idle0 = cur, now, cpu_idle_ticks()
        elif now - since >= quiet:
            i1, n1 = cpu_idle_ticks()
            if n1 > idle0[1] and (i1 - idle0[0]) / (n1 - idle0[1]) >= min_idle:
                break
            since, idle0 = now, (i1, n1)
        if now - t0 >= timeout:
            log("%s: the kernel still tears down after %.0f s (going on): netns %s, dying cgroups %s" % (
                what, now - t0, cur[0], cur[1]))
            return now - t0
    waited = time.monotonic() - t0
    if waited > quiet + 2 * poll:
        log("%s: waited %.1f s for the kernel's teardown (netns %s, dying cgroups %s)" % (
            what, waited, last[0], last[1]))
    return waited


class Runtime:
    """One runtime under test: how to call it, and what it measured."""

    def __init__(self, name, path, global_args=(), lifecycle=True, note=""):
        self.name = name
        self.path = path
        self.global_args = list(global_args)
        self.lifecycle = lifecycle      # False for the floor: it only has `run`
        self.note = note
        self.error = None               # set when it cannot run here: shown as n/a
        self.root = None
        self.samples = collections.defaultdict(list)   # phase -> wall ns per call
        self.rss = collections.defaultdict(list)       # phase -> peak RSS KiB per call
        self.cpu = collections.defaultdict(list)       # phase -> user+system CPU us of the call's tree
        self.failures = 0

    def argv(self, *args):
        return [self.path] + self.global_args + ["--root", self.root] + list(args)

    def record(self, phase, result):
        _, ns, rss, cpu_us = result
        self.samples[phase].append(ns)
        self.rss[phase].append(rss)
        self.cpu[phase].append(cpu_us)


# ------------------------------------------------------------------ one timed call

def timed_call(argv, errpath):
    """Runs argv through the spawn helper with stdin/stdout on /dev/null, stderr to errpath.
    Returns (exit status, wall ns, peak RSS in KiB, user+system CPU us), RSS and CPU of the
    process and the children it reaped.  Safe to call from several threads (one errpath each)."""
    err = os.open(errpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    rfd, wfd = os.pipe2(os.O_CLOEXEC)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_DUP2, err, 2),
        (os.POSIX_SPAWN_DUP2, wfd, 3),
    ]
    try:
        pid = os.posix_spawn(SPAWN[0], SPAWN + argv, os.environ, file_actions=actions)
        os.close(wfd)
        wfd = -1
        with os.fdopen(rfd, closefd=False) as f:
            line = f.read()
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(err)
        os.close(rfd)
        if wfd >= 0:
            os.close(wfd)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        raise KeyboardInterrupt()       # Ctrl-C reached the helper too (in a thread: re-raised in the main one)
    if os.waitstatus_to_exitcode(status) != 0 or len(line.split()) != 4:
        die("spawn helper failed for %s" % " ".join(argv))
    code, ns, rss, cpu_us = (int(x) for x in line.split())
    return code, ns, rss, cpu_us


def read_err(errpath):
    try:
        with open(errpath, errors="replace") as f:
            lines = [l.strip() for l in f.read().splitlines() if l.strip()]
    except OSError:
        return ""
    return " / ".join(lines[-3:])[:300]


def parallel(fn, items, width):
    """fn(item) for every item, `width` at a time; the results in the order of items.
    Ctrl-C cancels what has not started and waits for the calls in flight."""
    pool = ThreadPoolExecutor(max_workers=width)
    try:
        futures = [pool.submit(fn, it) for it in items]
        return [f.result() for f in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def uninterrupted():
    """Cleanup that a second Ctrl-C must not cut short: SIGINT is ignored meanwhile (also by the
    runtime calls it makes, which inherit that).  Main thread only."""
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def interrupt_on_term():
    """SIGTERM and SIGHUP stop the benchmark like Ctrl-C, so its cleanup runs."""
    def handler(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


# ------------------------------------------------------------------ the process tree below us

def reap_orphans():
    """Reaps whatever got reparented to us (we are a child subreaper): container inits that
    exited.  Never while calls run in other threads (it would take their spawn helper)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def my_children():
    kids = set()
    for f in glob.glob("/proc/self/task/*/children"):
        try:
            with open(f) as fh:
                kids.update(int(p) for p in fh.read().split())
        except OSError:
            pass
    return kids


def descendants(top=None):
    """Every live process below `top` (default: this one), from each /proc/PID/stat's ppid.
    As a child subreaper we inherit every orphan of our calls, so a process a runtime leaves
    running per container is always in this set."""
    top = top or os.getpid()
    kids = collections.defaultdict(list)
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            kids[int(fields[1])].append(int(d))
    out, todo = [], [top]
    while todo:
        for c in kids.get(todo.pop(), ()):
            out.append(c)
            todo.append(c)
    return out


def exe_of(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return ""


def wait_gone(pid, timeout=10.0):
    """Waits (and reaps, when it is our child) until pid has exited; False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            try:
                with open("/proc/%d/stat" % pid) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        return True
            except (OSError, IndexError):
                return True
        time.sleep(0.0005)
    return False


class Reaper:
    """Reaps the given pids (our children: container inits) in a thread while calls run in
    parallel, so a `delete --force` never waits on a zombie we have not collected.  Only these
    pids: reaping any child would steal the spawn helpers' exit statuses."""

    def __init__(self, pids):
        self.pids = set(pids)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        while self.pids and not self.stop.is_set():
            for pid in list(self.pids):
                try:
                    if os.waitpid(pid, os.WNOHANG)[0] == pid:
                        self.pids.discard(pid)
                except ChildProcessError:
                    self.pids.discard(pid)
            self.stop.wait(0.002)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def kill_descendants():
    """Last resort after cleanup: SIGKILL whatever still runs below us, then reap it.
    Returns how many there were (a runtime that leaks processes shows up here)."""
    left = descendants()
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in left:
        wait_gone(pid, 5)
    reap_orphans()
    return len(left)


# ------------------------------------------------------------------ statistics

def rotated(items, i):
    """items in the order of round i of an alternation: a shuffle seeded by i (the same on
    every run of the benchmark).  A call pays for what the one before it left the kernel to
    finish (a floor's namespaces are torn down in the background after its wait4 returns, a
    delete's cgroups go offline): in a fixed order, or a rotation (which keeps who follows
    whom), that cost fell on one runtime (contain's native `run` read 1.5-2x its time in the
    slot after the floor).  Shuffled, each runtime follows each other one as often."""
    order = list(items)
    random.Random(i).shuffle(order)
    return order


def p90(xs):
    s = sorted(xs)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


def stats(rt, phase):
    """median/p90/min wall ms, median CPU ms, max and median RSS KiB of rt's calls of phase."""
    xs = rt.samples.get(phase)
    if not xs:
        return None
    out = {"n": len(xs), "median_ms": statistics.median(xs) / 1e6,
           "p90_ms": p90(xs) / 1e6, "min_ms": min(xs) / 1e6}
    if rt.cpu.get(phase):
        out["cpu_median_ms"] = statistics.median(rt.cpu[phase]) / 1e3
    if rt.rss.get(phase):
        out["rss_max_kb"] = max(rt.rss[phase])
        out["rss_median_kb"] = statistics.median(rt.rss[phase])
    return out


def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "n/a"
