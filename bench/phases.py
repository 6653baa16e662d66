#!/usr/bin/python3
"""Where a runtime's `run` of /bin/true spends its wall time, phase by phase, from `perf trace`
timestamps of a few marker syscalls only (so tracing adds little; still, read the shares more
than the absolute figures).  Run by hand as root; Python 3 standard library only.

usage: bench/phases.py [--runs N] [--native] RUNTIME...      (paths or names; default 15 runs)

Phases, cut at syscalls every runtime makes:
  startup   exec of the runtime until its first clone of the container process
            (dynamic linking, config parsing, state files, for runc its Go runtime)
  setup     that clone until pivot_root (namespaces, runtime re-exec, mounts in the rootfs)
  finish    pivot_root until the execve of /bin/true (masked/readonly paths, capabilities,
            user, the create/start handshake)
  workload  /bin/true itself
  teardown  /bin/true's exit until the runtime exits (reaping, deleting state)
Without --native it runs in a private mount and cgroup namespace (a cgroup2 mount in the
initial one would reset the host's cgroup2 options) with cgroup2 on /sys/fs/cgroup and
--cgroup-manager=disabled, like bench.py's nocgroup mode (runc there is skipped: it would
create cgroups in the shared hierarchy).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LINE = re.compile(r"^\s*([\d.]+|\?) \(\s*([\d.]*)\s*(?:ms)?\s*\): (\S+)/(\d+) (\.\.\. \[continued\]: )?(\w+)\(")
# only the phase markers are traced, which keeps perf's overhead small
TRACED = "execve,clone,clone3,vfork,pivot_root,exit_group,wait4,exit"
PHASES = ("startup", "setup", "finish", "workload", "teardown", "total")


def parse(path):
    events = []     # (ts ms, pid, syscall, comm)
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if m and m.group(1) != "?" and not m.group(5):
                events.append((float(m.group(1)), int(m.group(4)), m.group(6), m.group(3), line))
    return events


def phases(events):
    if not events:
        return None
    main = events[0][1]
    t0 = 0.0        # perf trace counts from when it starts the workload (its execve shows no time)
    # runc's first clones are Go threads: its "setup" then starts earlier, "startup" is shorter
    clone = next((e[0] for e in events if e[1] == main and e[2] in ("clone", "clone3")), None)
    pivot = next((e[0] for e in events if e[2] == "pivot_root"), None)
    exe = next((e[0] for e in events if e[2] == "execve" and e[3] == "true"), None)
    done = next((e[0] for e in events if e[2] == "exit_group" and e[3] == "true"), None)
    end = max(e[0] for e in events)      # the last syscall of any of its threads/processes
    if None in (clone, pivot, exe, done, end):
        return None
    return {"startup": clone - t0, "setup": pivot - clone, "finish": exe - pivot,
            "workload": done - exe, "teardown": end - done, "total": end - t0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--native", action="store_true", help="the host's cgroups, not the nocgroup namespace")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("runtimes", nargs="+")
    args = ap.parse_args()
    if not shutil.which("perf"):
        sys.exit("phases: perf is not installed (apt-get install linux-perf)")
    work = tempfile.mkdtemp(prefix="bench-phases.", dir="/tmp")
    try:
        bundle = os.path.join(work, "bundle")
        os.makedirs(bundle)
        shutil.copytree(os.path.join(REPO, "bundles", "busybox", "rootfs"), os.path.join(bundle, "rootfs"),
                        symlinks=True)
        with open(os.path.join(REPO, "bundles", "busybox", "config.json")) as f:
            cfg = json.load(f)
        cfg["ociVersion"] = "1.0.2"
        cfg["process"]["args"] = ["/bin/true"]
        if not args.native:
            cfg["linux"].pop("resources", None)
        with open(os.path.join(bundle, "config.json"), "w") as f:
            json.dump(cfg, f)
        results = {}
        for rt in args.runtimes:
            path = shutil.which(rt) or os.path.abspath(rt)
            name = os.path.basename(path)
            if name == "runc" and not args.native:
                print("phases: skipping runc outside --native (it would create cgroups)", file=sys.stderr)
                continue
            flags = [] if args.native or name == "runc" else ["--cgroup-manager=disabled"]
            root = os.path.join(work, "root-" + name)
            samples = {p: [] for p in PHASES}
            for i in range(args.runs + 1):
                out = os.path.join(work, "trace.txt")
                cmd = ["perf", "trace", "-f", "-e", TRACED, "-o", out, "--", path] + flags + \
                      ["--root", root, "run", "--bundle", bundle, "ph%d-%s-%d" % (os.getpid(), name, i)]
                if not args.native:
                    cmd = ["unshare", "-m", "-C", "--propagation", "private", "sh", "-c",
                           'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"',
                           "sh"] + cmd
                r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                if r.returncode != 0:
                    sys.exit("phases: %s failed: %s" % (name, r.stderr.strip()[-300:]))
                p = phases(parse(out))
                if p and i > 0:      # the first run warms caches
                    for k, v in p.items():
                        samples[k].append(v)
            results[name] = {k: statistics.median(v) for k, v in samples.items() if v}
            results[name]["n"] = len(samples["total"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print("median ms under perf trace (%s)" % ("native cgroups" if args.native else "nocgroup namespace"))
    print("%-10s" % "runtime" + "".join("%10s" % p for p in PHASES) + "   n")
    for name, r in results.items():
        print("%-10s" % name + "".join("%10.2f" % r.get(p, float("nan")) for p in PHASES) + "  %2d" % r["n"])


if __name__ == "__main__":
    main()
