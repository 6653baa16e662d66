"""bench.py's scale section (issue 19): COUNT containers running at once, each a sleep, created
and started 8 at a time; with all of them running, `list`, `state` and `ps` of one; `kill` and
`delete` of a few; then `delete --force` of all the others, 8 at a time.  For each COUNT of
--scale-counts (10,100,500) and each runtime.  The time per call must stay flat as COUNT grows
(`list` excepted: it is O(COUNT)), and no process running the runtime's own binary may stay
alive per container: both are printed.  Everything is deleted at the end, also after Ctrl-C.
"""

import os
import shutil
import tempfile
import time

from bench_exec import sleep_bundle
from benchlib import (Reaper, Runtime, descendants, kill_descendants, log, parallel, read_err,
                      reap_orphans, settle, stats, timed_call, uninterrupted, wait_gone)

OPS = ("create", "start", "list", "state", "ps", "kill", "delete", "delete_all")
COLUMNS = ("create", "start", "list", "state", "ps", "kill", "delete", "del-all")


def same_file(a, b):
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def runtime_processes(rt_path, grace=2.0):
    """(processes below us, how many of them run the runtime's binary): after all starts the
    first is one sleep per container, the second must be 0 (no runtime process per container).
    A runtime's `start` may return before its init has exec'd the sleep (runc's does): such a
    process is given up to `grace` seconds to become the sleep; what still runs the runtime's
    binary after that is counted."""
    deadline = time.monotonic() + grace
    while True:
        procs = descendants()
        mine = sum(1 for p in procs if same_file("/proc/%d/exe" % p, rt_path))
        if not mine or time.monotonic() > deadline:
            return len(procs), mine
        time.sleep(0.05)


def one_count(rt, n, sbundle, workdir, width, reps, op_errors):
    """One runtime at one COUNT; returns the row, or None with rt.error set."""
    rt.root = tempfile.mkdtemp(prefix="root-scale-%s-%d." % (rt.name, n), dir=workdir)
    tag = "bench%d-scale-%s-%d" % (os.getpid(), rt.name, n)
    ids = ["%s-%d" % (tag, i) for i in range(n)]
    errdir = tempfile.mkdtemp(prefix="err-%s." % tag, dir=workdir)
    errp = lambda name: os.path.join(errdir, name)
    rec = Runtime(rt.name, rt.path)            # this count's samples
    pids = {}
    row = {"count": n}

    def fail(op, cid, code):
        op_errors.setdefault(op, "exited %d: %s" % (code, read_err(errp(cid)) or "(no message)"))

    def in_parallel(op, argv_of, cids):
        t0 = time.monotonic()
        results = parallel(lambda cid: timed_call(argv_of(cid), errp(cid)), cids, width)
        row[op + "_total_ms"] = (time.monotonic() - t0) * 1e3
        ok = []
        for cid, r in zip(cids, results):
            if r[0] != 0:
                fail(op, cid, r[0])
            else:
                rec.record(op, r)
                ok.append(cid)
        return ok

    try:
        made = in_parallel("create", lambda cid: rt.argv("create", "--bundle", sbundle, "--pid-file",
                                                         errp(cid + ".pid"), cid), ids)
        if len(made) < n:
            rt.error = "create (%d of %d failed) %s" % (n - len(made), n, op_errors.pop("create"))
            return None
        for cid in ids:
            try:
                with open(errp(cid + ".pid")) as f:
                    pids[cid] = int(f.read().strip())
            except (OSError, ValueError) as e:
                rt.error = "create --pid-file: %s" % e
                return None
        started = in_parallel("start", lambda cid: rt.argv("start", cid), ids)
        if len(started) < n:
            rt.error = "start (%d of %d failed) %s" % (n - len(started), n, op_errors.pop("start"))
            return None
        row["procs"], row["runtime_procs"] = runtime_processes(rt.path)

        # with all of them running: calls on one container
        one = ids[0]
        for _ in range(reps):
            for op, argv in (("list", rt.argv("list")), ("state", rt.argv("state", one)),
                             ("ps", rt.argv("ps", one))):
                r = timed_call(argv, errp(op))
                if r[0] != 0:
                    fail(op, op, r[0])
                else:
                    rec.record(op, r)

        # kill and delete a few, one at a time (never `one`, unless it is the only one)
        k = max(1, min(reps, n // 2))
        deleted = set()
        for cid in ids[n - k:]:
            r = timed_call(rt.argv("kill", cid, "KILL"), errp(cid))
            if r[0] != 0:
                fail("kill", cid, r[0])
                continue
            rec.record("kill", r)
            if not wait_gone(pids[cid]):
                log("%s: %s still runs 10 s after kill KILL" % (rt.name, cid))
            r = timed_call(rt.argv("delete", cid), errp(cid))
            if r[0] != 0:
                fail("delete", cid, r[0])
                continue
            rec.record("delete", r)
            deleted.add(cid)

        # and all the others; their inits are our children: reap them as they die
        rest = [c for c in ids if c not in deleted]
        with Reaper(pids[c] for c in rest):
            in_parallel("delete_all", lambda cid: rt.argv("delete", "--force", cid), rest)
        if rest:
            row["delete_all_per_ctr_ms"] = row["delete_all_total_ms"] / len(rest)
        row["ops"] = {op: stats(rec, op) for op in OPS if rec.samples.get(op)}
        return row
    finally:
        with uninterrupted():
            reap_orphans()
            left = sorted(os.listdir(rt.root))
            if left:
                op_errors.setdefault("left behind", "%d containers in --root at %d (deleted)" % (len(left), n))
                for cid in left:
                    timed_call(rt.argv("delete", "--force", cid), errp("cleanup"))
            stray = kill_descendants()
            if stray:
                op_errors.setdefault("left running", "%d processes after every delete at %d (killed)" % (stray, n))
                log("%s: %d processes still ran after every delete (killed)" % (rt.name, stray))
            shutil.rmtree(errdir, ignore_errors=True)


def run_scale(args, runtimes, workdir, bundle, counts):
    """The scale section for these runtimes (fresh Runtime objects) and counts; its result dict."""
    sbundle = sleep_bundle(workdir, bundle)
    width, reps = args.scale_parallel, args.scale_reps
    rows = {rt.name: [] for rt in runtimes}
    op_errors = {rt.name: {} for rt in runtimes}
    for i, n in enumerate(counts):
        # a different runtime goes first at each count, so none always meets a cold cache
        order = runtimes[i % len(runtimes):] + runtimes[:i % len(runtimes)]
        for rt in order:
            if rt.error:
                continue
            # the containers of the runtime before are still being torn down by the kernel
            settle("scale: %s with %d containers" % (rt.name, n))
            log("scale: %s with %d containers" % (rt.name, n))
            row = one_count(rt, n, sbundle, workdir, width, reps, op_errors[rt.name])
            if row:
                rows[rt.name].append(row)
    out = {"counts": counts, "parallel": width, "reps": reps, "runtimes": {}}
    for rt in runtimes:
        out["runtimes"][rt.name] = {"path": rt.path, "note": rt.note, "error": rt.error,
                                    "op_errors": op_errors[rt.name], "rows": rows[rt.name]}
    return out


def cells(row):
    """The table's figures of one row, in OPS order: the parallel phases as wall time of the
    whole phase per container, the others as the median of their calls."""
    n, ops = row["count"], row.get("ops", {})
    out = []
    for op in OPS:
        if op in ("create", "start") and op in ops:
            out.append(row[op + "_total_ms"] / n)
        elif op == "delete_all" and op in ops:
            out.append(row["delete_all_per_ctr_ms"])
        else:
            out.append(ops[op]["median_ms"] if op in ops else None)
    return out


def print_scale(sec, w):
    """The scale table from run_scale's dict (possibly read back from --json)."""
    width, reps = sec["parallel"], sec["reps"]
    w("\n-- scale: COUNT containers running at once (a sleep each), created and started %d at a"
      " time\n" % width)
    w("   wall ms. create, start, del-all: the whole phase per container (%d calls in flight;"
      " del-all =\n   delete --force of all the others); list, state, ps (of one): median of %d calls"
      " with all COUNT\n   running; kill (KILL) and delete: median over up to %d containers, one at a"
      " time. procs: processes\n   below the benchmark per container after all starts (1.00 = the"
      " sleep alone); rt: how many of\n   them still run the runtime's own binary (within 2 s; must"
      " be 0). COUNT/COUNT: the ratio of\n   the last row to the first (flat = 1)\n" % (width, reps, reps))
    hdr = ("runtime", "count") + COLUMNS + ("procs", "rt")
    rows = []
    for name, s in sec["runtimes"].items():
        for r in s["rows"]:
            rows.append((name, str(r["count"])) + tuple("%.2f" % v if v is not None else "-" for v in cells(r)) +
                        ("%.2f" % (r["procs"] / r["count"]), str(r["runtime_procs"])))
        if len(s["rows"]) > 1:
            lo, hi = s["rows"][0], s["rows"][-1]
            rat = ["%.2f" % (a / b) if a is not None and b else "-" for a, b in zip(cells(hi), cells(lo))]
            rows.append((name, "%d/%d" % (hi["count"], lo["count"])) + tuple(rat) + ("", ""))
        if s.get("error"):
            rows.append((name, "n/a: " + s["error"]))
    full = [r for r in rows if len(r) > 2]
    widths = [max([len(hdr[i])] + [len(r[i]) for r in full]) for i in range(len(hdr))]
    line = lambda cells: "  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i])
                                   for i, c in enumerate(cells)).rstrip() + "\n"
    w(line(hdr))
    for r in rows:
        w(line(r) if len(r) > 2 else "%s  %s\n" % (r[0].ljust(widths[0]), r[1]))
    for name, s in sec["runtimes"].items():
        if s.get("note"):
            w("   %s: %s\n" % (name, s["note"]))
        for op, msg in s.get("op_errors", {}).items():
            w("   %s: %s %s\n" % (name, op, msg))
    counts = [name + " " + ("/".join(str(r["runtime_procs"]) for r in s["rows"]))
              for name, s in sec["runtimes"].items() if s["rows"]]
    if counts:
        w("   runtime processes alive after all starts (at each count): %s\n" % ", ".join(counts))
