"""bench.py's exec section: `RUNTIME exec ID /bin/true` into a running container, timed call by
call with the runtimes in alternation (contain, crun, runc, contain, ...) like `run`.

Each runtime creates and starts one container of the busybox bundle running a long `sleep`
(its own --root), then is timed; the containers are deleted at the end, also after Ctrl-C.
"""

import json
import os
import tempfile

from benchlib import (kill_descendants, log, quiesce, ratio, read_err, reap_orphans, rotated, stats, timed_call,
                      uninterrupted, wait_gone)

SLEEP = ["sleep", "1000000"]


def sleep_bundle(workdir, bundle):
    """A bundle like `bundle` (its config, its rootfs by absolute path) whose process is a long
    sleep: the container that exec and the scale section work on.  Returns its directory."""
    dest = os.path.join(workdir, "bundle-sleep")
    if os.path.isdir(dest):
        return dest
    os.makedirs(dest)
    with open(os.path.join(bundle, "config.json")) as f:
        cfg = json.load(f)
    cfg["process"]["args"] = SLEEP
    cfg["root"]["path"] = os.path.join(os.path.abspath(bundle), cfg["root"]["path"])
    with open(os.path.join(dest, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    return dest


def start_sleeper(rt, sbundle, cid, workdir):
    """create + start of one sleeping container; returns its init's pid, or None with rt.error
    set (and nothing left behind)."""
    err = os.path.join(workdir, "stderr-exec")
    pidfile = os.path.join(workdir, "pid-" + cid)
    for what, argv in (("create", rt.argv("create", "--bundle", sbundle, "--pid-file", pidfile, cid)),
                       ("start", rt.argv("start", cid))):
        code = timed_call(argv, err)[0]
        if code != 0:
            rt.error = "%s exited %d: %s" % (what, code, read_err(err) or "(no message)")
            delete_sleeper(rt, cid, None, workdir)
            return None
    with open(pidfile) as f:
        return int(f.read().strip())


def delete_sleeper(rt, cid, pid, workdir):
    err = os.path.join(workdir, "stderr-exec-delete")
    code = timed_call(rt.argv("delete", "--force", cid), err)[0]
    if code != 0 and os.path.isdir(os.path.join(rt.root, cid)):
        log("%s: delete --force %s exited %d: %s" % (rt.name, cid, code, read_err(err)))
    if pid:
        wait_gone(pid, 5)
    reap_orphans()


def run_exec(args, runtimes, workdir, bundle, runs, warmup):
    """Times `exec ID /bin/true` runs (+warmup) times per runtime in alternation.
    runtimes: fresh Runtime objects (the floor excluded).  Returns the section's result dict."""
    sbundle = sleep_bundle(workdir, bundle)
    live = {}                      # rt.name -> (cid, init pid)
    try:
        for rt in runtimes:
            if rt.error:
                continue
            rt.root = tempfile.mkdtemp(prefix="root-exec-%s." % rt.name, dir=workdir)
            cid = "bench%d-exec-%s" % (os.getpid(), rt.name)
            pid = start_sleeper(rt, sbundle, cid, workdir)
            if pid:
                live[rt.name] = (cid, pid)
        err = os.path.join(workdir, "stderr-exec")
        todo = [rt for rt in runtimes if rt.name in live]
        log("exec: %d+%d calls of exec /bin/true with %s" % (warmup, runs, ", ".join(r.name for r in todo)))
        step = max(1, (warmup + runs) // 5)
        for i in range(warmup + runs):
            for rt in rotated([r for r in todo if not r.error], i):
                quiesce()
                result = timed_call(rt.argv("exec", live[rt.name][0], "/bin/true"), err)
                if result[0] != 0:
                    msg = "exec exited %d: %s" % (result[0], read_err(err) or "(no message)")
                    rt.failures += 1
                    if i < warmup or rt.failures > max(5, runs // 10):
                        rt.error = msg
                    elif rt.failures <= 3:
                        log("%s: %s" % (rt.name, msg))
                elif i >= warmup:
                    rt.record("exec", result)
            if (i + 1) % step == 0:
                log("exec: %d/%d" % (i + 1, warmup + runs))
    finally:
        with uninterrupted():
            for rt in runtimes:
                if rt.name in live:
                    delete_sleeper(rt, live[rt.name][0], live[rt.name][1], workdir)
                left = sorted(os.listdir(rt.root)) if rt.root and os.path.isdir(rt.root) else []
                if left:
                    log("%s left state behind in its --root after exec: %s" % (rt.name, " ".join(left)))
            n = kill_descendants()
            if n:
                log("exec: %d processes were still running after the deletes (killed)" % n)
    out = {"runs": runs, "warmup": warmup, "runtimes": {}}
    for rt in runtimes:
        out["runtimes"][rt.name] = {"path": rt.path, "note": rt.note, "error": rt.error,
                                    "failures": rt.failures, "exec": stats(rt, "exec")}
    return out


def print_exec(sec, w):
    """The exec table and its ratios, from run_exec's dict (possibly read back from --json)."""
    w("\n-- exec: %d calls (+%d warm-up) of `RUNTIME exec ID /bin/true` per runtime into its running"
      " sleep, alternating\n" % (sec["runs"], sec["warmup"]))
    w("   wall ms (median, p90); cpu = median user+system ms of the call's process tree (with"
      " /bin/true);\n   RSS = peak KiB of the runtime process and what it reaped (max over calls)\n")
    hdr = ("runtime", "exec med", "exec p90", "exec cpu", "RSS exec")
    rows = []
    for name, s in sec["runtimes"].items():
        e = s.get("exec")
        if s.get("error") or not e:
            rows.append((name, "n/a: " + (s.get("error") or "no successful call")))
            continue
        rows.append((name, "%.2f" % e["median_ms"], "%.2f" % e["p90_ms"],
                     "%.2f" % e["cpu_median_ms"] if "cpu_median_ms" in e else "-",
                     str(e.get("rss_max_kb", "-"))))
    full = [r for r in rows if len(r) > 2]
    widths = [max([len(hdr[i])] + [len(r[i]) for r in full]) for i in range(len(hdr))]
    line = lambda cells: "  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i])
                                   for i, c in enumerate(cells)) + "\n"
    w(line(hdr))
    for r in rows:
        w(line(r) if len(r) > 2 else "%s  %s\n" % (r[0].ljust(widths[0]), r[1]))
    for name, s in sec["runtimes"].items():
        if s.get("note") and not s.get("error"):
            w("   %s: %s\n" % (name, s["note"]))
        if s.get("failures"):
            w("   %s: %d failed calls (not counted)\n" % (name, s["failures"]))
    c = sec["runtimes"].get("contain", {}).get("exec")
    if not c:
        w("   ratios: contain did not run\n")
        return
    for other, s in sec["runtimes"].items():
        if other == "contain":
            continue
        o = s.get("exec")
        if not o:
            w("   contain/%s: n/a\n" % other)
            continue
        w("   contain/%s: exec %s, exec cpu %s, RSS %s\n" % (
            other, ratio(c["median_ms"], o["median_ms"]),
            ratio(c.get("cpu_median_ms"), o.get("cpu_median_ms")),
            ratio(c.get("rss_max_kb"), o.get("rss_max_kb"))))

