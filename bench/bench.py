#!/usr/bin/python3
"""Benchmark: contain against crun and runc side by side, and against a floor program.

One command runs every section in every mode and prints their tables:

    bench/bench.py --contain build-bench/contain          (as root; --mode all, all sections)

Sections (--sections run,exec,scale):
  run    the busybox bundle's /bin/true N times with every runtime found, in alternation
         (A B C A B C ...) so that machine drift hits all alike: median and p90 wall time of `run`
         and of `create`, `start`, `delete` (separate calls) and their sum, the runtime's peak RSS,
         its stripped binary size and shared libraries, and ratios
  exec   `RUNTIME exec ID /bin/true` N times into a running sleep per runtime, in alternation
  scale  10, 100, 500 containers running at once (a sleep each; created and started 8 at a
         time), then list/state/ps of one, kill/delete of a few, delete of all: the time per call
         at each count, its 500/10 ratio, and the runtime processes left alive (bench_scale.py)

Modes
  native    this host's cgroups (hybrid here: crun refuses it and is shown n/a with its error)
  nocgroup  like-for-like: a private mount + cgroup namespace with cgroup2 on /sys/fs/cgroup and
            cgroups disabled (crun and contain --cgroup-manager=disabled; runc has no such
            switch and still creates its cgroup, inside a scratch cgroup removed afterwards)
  vm        inside the project's cgroup v2 qemu guest (tests/vm/run.sh -c), where all three apply
            real cgroups (--vm-runs, 30; the scale section only with --vm-scale-counts);
            --vm-aslr off turns address randomisation off in the guest for every runtime (TCG
            translates code by virtual address, so with ASLR each call re-translates all it runs)

Everything created (containers, state dirs, cgroups) is deleted at the end, also after Ctrl-C.
Run by hand as root (never part of the test suite).  Python 3 standard library only.
See docs/performance.md for the options and a recorded run.
"""

import argparse
import ctypes
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import bench_exec
import bench_scale
from benchlib import (PR_SET_CHILD_SUBREAPER, SPAWN, Runtime, cpu_steal_ticks, die, interrupt_on_term, kill_descendants, rotated,
                      log, my_children, quiesce, ratio, read_err, reap_orphans, settle, stats, timed_call,
                      uninterrupted, QUIESCE)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ROOTFS = os.path.join(REPO, "bundles", "busybox", "rootfs")
CONFIG = os.path.join(REPO, "bundles", "busybox", "config.json")
VM_RUN = os.path.join(REPO, "tests", "vm", "run.sh")
HOST_CGROUP2 = "/sys/fs/cgroup/unified"   # where this hybrid host mounts its cgroup2 hierarchy
PHASES = ("run", "create", "start", "delete", "csd")
SECTIONS = ("run", "exec", "scale")
MODULES = ("bench.py", "benchlib.py", "bench_exec.py", "bench_scale.py")   # copied into the guest


# ------------------------------------------------------------------ the runtimes

def find_runtimes(args, mode):
    """The runtimes this mode compares, in the order they alternate."""
    disabled = ["--cgroup-manager=disabled"] if mode == "nocgroup" else []
    found = []
    contain = os.path.abspath(args.contain)
    if os.access(contain, os.X_OK):
        found.append(Runtime("contain", contain, disabled))
    else:
        rt = Runtime("contain", contain)
        rt.error = "no binary at %s (build it, or pass --contain)" % contain
        found.append(rt)
    if args.baseline:
        # another build of contain (e.g. main's) measured in the same alternation
        base = os.path.abspath(args.baseline)
        found.append(Runtime("contain-base", base, disabled))
        if not os.access(base, os.X_OK):
            found[-1].error = "no binary at %s" % base
    for name in ("crun", "runc"):
        path = shutil.which(name)
        if not path:
            rt = Runtime(name, name)
            rt.error = "not installed (apt-get install -y --no-install-recommends %s)" % name
            found.append(rt)
            continue
        if name == "runc" and mode == "nocgroup":
            # runc has no way to skip cgroups: it still creates (and removes) one per container
            found.append(Runtime(name, path, note="creates cgroups (no disable switch)"))
        else:
            found.append(Runtime(name, path, disabled if name == "crun" else []))
    return found


# ------------------------------------------------------------------ the run and c+s+d section

class Bench:
    def __init__(self, args, mode, workdir):
        self.args = args
        self.mode = mode
        self.workdir = workdir
        self.errpath = os.path.join(workdir, "stderr")
        self.bundle = os.path.join(workdir, "bundle")
        self.seq = 0

    def new_id(self, rt):
        self.seq += 1
        return "bench%d-%s-%d" % (os.getpid(), rt.name, self.seq)

    def force_delete(self, rt, cid):
        timed_call(rt.argv("delete", "--force", cid), self.errpath + ".cleanup")
        reap_orphans()

    def one_run(self, rt, record):
        quiesce()
        if not rt.lifecycle:
            r = timed_call([rt.path, os.path.join(self.bundle, "rootfs")], self.errpath)
            return self.account(rt, "run", r, record, None)
        cid = self.new_id(rt)
        r = timed_call(rt.argv("run", "--bundle", self.bundle, cid), self.errpath)
        reap_orphans()
        return self.account(rt, "run", r, record, cid)

    def one_lifecycle(self, rt, record):
        cid = self.new_id(rt)
        before = my_children()
        quiesce()
        rc = timed_call(rt.argv("create", "--bundle", self.bundle, cid), self.errpath)
        if not self.account(rt, "create", rc, record, cid):
            return False
        inits = my_children() - before
        rs = timed_call(rt.argv("start", cid), self.errpath)
        if not self.account(rt, "start", rs, record, cid):
            return False
        # delete needs a stopped container: wait (untimed) for /bin/true to exit
        deadline = time.monotonic() + 5
        for pid in inits:
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(pid, os.WNOHANG)[0] == pid:
                        break
                except ChildProcessError:
                    break
                time.sleep(0.0005)
        quiesce()
        rd = timed_call(rt.argv("delete", cid), self.errpath)
        if not self.account(rt, "delete", rd, record, cid):
            return False
        reap_orphans()
        if record:
            rt.samples["csd"].append(rc[1] + rs[1] + rd[1])
            rt.cpu["csd"].append(rc[3] + rs[3] + rd[3])
        return True

    def account(self, rt, phase, result, record, cid):
        code = result[0]
        if code != 0:
            msg = "%s exited %d: %s" % (phase, code, read_err(self.errpath) or "(no message)")
            if cid:
                self.force_delete(rt, cid)
            if not record:
                rt.error = msg      # fails already while warming up: it cannot run here
            else:
                rt.failures += 1
                if rt.failures <= 3:
                    log("%s: %s" % (rt.name, msg))
                if rt.failures > max(5, self.args.runs // 10):
                    rt.error = "too many failures; last: " + msg
            return False
        if record:
            rt.record(phase, result)
        return True

    def go(self, runtimes):
        live = [rt for rt in runtimes if not rt.error]
        for rt in live:
            rt.root = tempfile.mkdtemp(prefix="root-%s." % rt.name, dir=self.workdir)
        total = self.args.warmup + self.args.runs
        step = max(1, total // 10)
        try:
            for i in range(total):
                record = i >= self.args.warmup
                for rt in rotated([r for r in live if not r.error], i):
                    self.one_run(rt, record)
                for rt in rotated([r for r in live if not r.error and r.lifecycle], i):
                    self.one_lifecycle(rt, record)
                if (i + 1) % step == 0:
                    log("%s: %d/%d" % (self.mode, i + 1, total))
        finally:
            # what a runtime left in its --root is a bug worth seeing, not silently removed
            # (or the container of the call Ctrl-C interrupted)
            with uninterrupted():
                for rt in live:
                    left = sorted(os.listdir(rt.root)) if os.path.isdir(rt.root) else []
                    if left:
                        log("%s left state behind in its --root: %s" % (rt.name, " ".join(left[:5])))
                    for cid in left:
                        if os.path.isdir(os.path.join(rt.root, cid)):
                            self.force_delete(rt, cid)


# ------------------------------------------------------------------ statistics and binaries

def summarize(rt):
    out = {"name": rt.name, "path": rt.path, "args": rt.global_args, "note": rt.note,
           "error": rt.error, "failures": rt.failures}
    for p in PHASES:
        st = stats(rt, p)
        if st:
            out[p] = st
    return out


def binary_info(path):
    info = {"path": path}
    try:
        info["size"] = os.stat(path).st_size
        with tempfile.TemporaryDirectory() as d:
            s = os.path.join(d, "stripped")
            subprocess.run(["strip", "-o", s, path], check=True, capture_output=True)
            info["stripped_size"] = os.stat(s).st_size
        r = subprocess.run(["ldd", path], capture_output=True, text=True)
        libs = []
        for line in r.stdout.splitlines():
            name = line.strip().split()[0] if line.strip() else ""
            if not name or "linux-vdso" in name or "ld-linux" in name:
                continue
            libs.append(os.path.basename(name))
        info["libs"] = libs if r.returncode == 0 else ["(static)"]
        # direct dependencies (DT_NEEDED): ldd also lists what those pull in
        r = subprocess.run(["readelf", "-d", path], capture_output=True, text=True)
        info["needed"] = [l.split("[", 1)[1].rstrip("]").strip() for l in r.stdout.splitlines()
                          if "(NEEDED)" in l and "[" in l]
    except (OSError, subprocess.CalledProcessError) as e:
        info["error"] = str(e)
    return info


def version_of(path):
    try:
        r = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        return (r.stdout.splitlines() or [""])[0]
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "kernel": os.uname().release, "cpu": model,
            "hostname": os.uname().nodename, "loadavg": os.getloadavg()[0]}


# ------------------------------------------------------------------ setup

def build_helpers(workdir):
    """Builds floor.c and spawn.c, static: the floor without dynamic linking is the kernel's
    own cost, and a static spawn helper keeps its own memory out of the RSS figures."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        die("no C compiler for bench/floor.c and bench/spawn.c")
    out = {}
    for name in ("floor", "spawn"):
        out[name] = os.path.join(workdir, name)
        subprocess.run([cc, "-std=gnu11", "-O2", "-static", "-Wall", "-Wextra", "-o", out[name],
                        os.path.join(HERE, name + ".c")], check=True)
    return out


def make_bundle(dest, mode, args):
    """The busybox bundle running /bin/true; identical for every runtime in a mode."""
    rootfs = args.rootfs or ROOTFS
    if not os.path.exists(os.path.join(rootfs, "bin", "busybox")):
        subprocess.run([os.path.join(REPO, "bundles", "busybox", "build-rootfs.sh")], check=True)
    os.makedirs(dest)
    shutil.copytree(rootfs, os.path.join(dest, "rootfs"), symlinks=True)
    with open(args.config or CONFIG) as f:
        cfg = json.load(f)
    cfg["ociVersion"] = "1.0.2"    # crun 1.8 refuses "unknown version" for 1.2.0
    cfg["process"]["args"] = ["/bin/true"]
    cfg["process"]["terminal"] = False
    linux = cfg.setdefault("linux", {})
    linux.pop("cgroupsPath", None)
    if mode == "nocgroup" or args.no_limits:
        linux.pop("resources", None)
    with open(os.path.join(dest, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    return cfg


# ------------------------------------------------------------------ one mode, in this process

def fs_type(path):
    """The filesystem type of path, as stat -f names it ("tmpfs", "ext2/ext3", ...)."""
    r = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def default_tmpdir():
    """Where the work directory goes by default: on a tmpfs, as every runtime's default --root
    (/run/contain, /run/crun, /run/runc) is on a real host.  This project's test machines have
    /run on ext4, where contain's state directory costs ~0.2 ms more per container than on a
    tmpfs and crun's next to nothing (--tmpdir /tmp measures that)."""
    for d in ("/run", "/dev/shm"):
        if os.path.isdir(d) and fs_type(d) == "tmpfs":
            return d
    return "/tmp"


def run_mode_here(args, mode):
    """Measures every section of `mode` in this process; returns the result dict."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    workdir = tempfile.mkdtemp(prefix="bench.", dir=args.tmpdir)
    sections = args.sections.split(",")
    res = None
    try:
        bundle = os.path.join(workdir, "bundle")
        cfg = make_bundle(bundle, mode, args)
        helpers = build_helpers(workdir) if not (args.floor and args.spawn) else {}
        SPAWN[:] = [args.spawn or helpers["spawn"]]
        load_before = os.getloadavg()[0]
        steal_before = cpu_steal_ticks()
        res = {"mode": mode, "runs": args.runs, "warmup": args.warmup,
               "loadavg_before": load_before, "sections": sections,
               "resources": sorted(cfg.get("linux", {}).get("resources", {}).keys()),
               "runtimes": {}}
        if "run" in sections:
            settle("%s: run" % mode)
            runtimes = find_runtimes(args, mode)
            floor = Runtime("floor", args.floor or helpers["floor"], lifecycle=False,
                            note="clone+pivot_root+/proc+exec, no runtime")
            runtimes.append(floor)
            log("%s: %d+%d runs of /bin/true with %s" % (
                mode, args.warmup, args.runs, ", ".join(r.name for r in runtimes if not r.error)))
            Bench(args, mode, workdir).go(runtimes)
            for rt in runtimes:
                s = summarize(rt)
                if not rt.error or os.path.exists(rt.path):
                    s["version"] = version_of(rt.path) if rt.lifecycle else ""
                res["runtimes"][rt.name] = s
        if "exec" in sections:
            settle("%s: exec" % mode)
            runs = args.exec_runs if args.exec_runs is not None else args.runs
            res["exec"] = bench_exec.run_exec(args, find_runtimes(args, mode), workdir, bundle,
                                              runs, min(args.warmup, runs))
        counts = [int(c) for c in args.scale_counts.split(",") if c.strip()]
        if "scale" in sections and counts:
            settle("%s: scale" % mode)
            wanted = args.scale_runtimes.split(",")
            runtimes = [rt for rt in find_runtimes(args, mode) if rt.name in wanted]
            res["scale"] = bench_scale.run_scale(args, runtimes, workdir, bundle, counts)
        res["machine"] = machine()
        res["workdir_fs"] = fs_type(workdir)
        steal_after = cpu_steal_ticks()
        if steal_after[1] > steal_before[1]:
            res["steal_pct"] = 100.0 * (steal_after[0] - steal_before[0]) / (steal_after[1] - steal_before[1])
        if mode != "vm":        # the guest has no strip; run_vm measures the same files on the host
            add_binaries(res)
        return res
    finally:
        with uninterrupted():
            n = kill_descendants()
            if n:
                log("%s: %d processes were still running at the end (killed)" % (mode, n))
            mounts = mount_leftovers(workdir)
            cgroups = cgroup_leftovers("bench%d-" % os.getpid())
            if mounts or cgroups:
                log("%s: left behind (removed): %s" % (mode, " ".join(mounts + cgroups)))
                if res is not None:     # the dict being returned
                    res["mount_leftovers"], res["cgroup_leftovers"] = mounts, cgroups
            shutil.rmtree(workdir, ignore_errors=True)


def mount_leftovers(workdir):
    """Mounts below workdir in our mount namespace (none expected: the runtimes mount in the
    containers' own namespaces); each is detached."""
    with open("/proc/self/mountinfo") as f:
        points = [l.split()[4] for l in f if l.split()[4].startswith(workdir + "/")]
    for mp in sorted(points, reverse=True):
        subprocess.run(["umount", "-l", mp], stderr=subprocess.DEVNULL)
    return points


def cgroup_leftovers(tag):
    """cgroup directories of our containers (their names start with tag: "bench<PID>-") still
    present in any hierarchy after every delete; each is removed (deepest first)."""
    with open("/proc/self/mountinfo") as f:
        roots = [l.split()[4] for l in f if l.split(" - ", 1)[-1].split()[0] in ("cgroup", "cgroup2")]
    found = []
    for root in roots:
        for d, subdirs, _ in os.walk(root):
            found += [os.path.join(d, s) for s in subdirs if s.startswith(tag)]
    for d in found:
        rmdir_tree(d)
    return found


def add_binaries(res):
    for s in res["runtimes"].values():
        if os.path.exists(s["path"]):
            s["binary"] = binary_info(s["path"])


# ------------------------------------------------------------------ nocgroup: private namespaces

def inner_nocgroup(args):
    """In the private mount+cgroup namespace made by run_nocgroup: cgroup2 on /sys/fs/cgroup."""
    if os.readlink("/proc/self/ns/mnt") == args.host_mntns:
        die("refusing to touch /sys/fs/cgroup: not in a private mount namespace")
    subprocess.run(["umount", "-l", "/sys/fs/cgroup"], check=True)
    subprocess.run(["mount", "-t", "cgroup2", "-o", "nosuid,nodev,noexec", "none", "/sys/fs/cgroup"],
                   check=True)
    # leave the namespace's root cgroup empty, so runc may enable controllers below it
    os.mkdir("/sys/fs/cgroup/bench-self")
    with open("/sys/fs/cgroup/bench-self/cgroup.procs", "w") as f:
        f.write(str(os.getpid()))
    res = run_mode_here(args, "nocgroup")
    res["cgroup_leftovers"] = res.get("cgroup_leftovers", []) + [
        d for d in os.listdir("/sys/fs/cgroup")
        if os.path.isdir(os.path.join("/sys/fs/cgroup", d)) and d != "bench-self"]
    json.dump(res, sys.stdout)


def rmdir_tree(path):
    for d, _, _ in sorted(os.walk(path), key=lambda t: -t[0].count("/")):
        try:
            os.rmdir(d)
        except OSError as e:
            log("could not remove cgroup %s: %s" % (d, e))


def run_nocgroup(args):
    """Re-runs this script in a private mount namespace and in a cgroup namespace rooted at a
    scratch cgroup of the host's cgroup2 hierarchy: whatever runc creates lands below it, and
    the scratch cgroup is removed at the end.  The host's mounts are never touched."""
    if not os.path.isdir(HOST_CGROUP2) and not os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        die("no cgroup2 hierarchy found")
    base = HOST_CGROUP2 if os.path.isdir(HOST_CGROUP2) else "/sys/fs/cgroup"
    with open("/proc/self/cgroup") as f:
        mine = [l.split(":", 2)[2].strip() for l in f if l.startswith("0::")][0]
    scratch = os.path.join(base + mine, "contain-bench-%d" % os.getpid())
    os.mkdir(scratch)
    cmd = [sys.executable, os.path.abspath(__file__), "--inner", "nocgroup",
           "--host-mntns", os.readlink("/proc/self/ns/mnt")] + passthrough(args)
    # the child joins the scratch cgroup before `unshare -C`, so it becomes the namespace's root
    sh = 'echo $$ > "$1/cgroup.procs" && shift && exec unshare -m -C --propagation private "$@"'
    try:
        rc, out = run_child(["/bin/sh", "-c", sh, "sh", scratch] + cmd)
    finally:
        rmdir_tree(scratch)
    if rc != 0:
        die("nocgroup mode failed (exit %d)" % rc)
    return json.loads(out)


def run_child(cmd, on_line=None, env=None):
    """Runs a re-executed bench.py (or the VM runner) with its stdout piped; returns (exit status,
    the stdout lines on_line did not take).  Ctrl-C reaches the child too (same process group);
    SIGTERM is passed on to it; either way we wait until it has cleaned up, then re-raise."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    out, stopped = [], None
    try:
        for line in p.stdout:
            if not (on_line and on_line(line)):
                out.append(line)
        p.wait()
    except KeyboardInterrupt as e:
        stopped = e
        with uninterrupted():
            if e.args and p.poll() is None:     # SIGTERM or SIGHUP, which only we got
                p.send_signal(signal.SIGTERM)
            p.communicate()
    if stopped:
        raise stopped
    return p.returncode, "".join(out)


def passthrough(args):
    out = ["--runs", str(args.runs), "--warmup", str(args.warmup), "--contain", os.path.abspath(args.contain),
           "--tmpdir", args.tmpdir, "--sections", args.sections, "--scale-counts", args.scale_counts,
           "--scale-runtimes", args.scale_runtimes, "--scale-parallel", str(args.scale_parallel),
           "--scale-reps", str(args.scale_reps)]
    if args.exec_runs is not None:
        out += ["--exec-runs", str(args.exec_runs)]
    for opt in ("floor", "spawn", "rootfs", "config"):
        v = getattr(args, opt)
        if v:
            out += ["--" + opt, os.path.abspath(v)]
    if args.no_limits:
        out.append("--no-limits")
    if args.no_quiesce:
        out.append("--no-quiesce")
    if args.baseline:
        out += ["--baseline", os.path.abspath(args.baseline)]
    return out


# ------------------------------------------------------------------ vm: the cgroup v2 guest

def list_python_files():
    """Prints the files of this Python that the benchmark loads: every module imported by now
    (bench.py imports all its sections at the top), with its byte code, and the extension
    modules (.so).  Run as `python -E -S bench.py --list-python-files`, as the guest runs it."""
    import importlib.util
    # the start-up codec: the guest has no locale, so Python may pick another than the host
    import encodings.ascii
    import encodings.latin_1
    import encodings.utf_8
    del encodings
    files = set()
    for m in list(sys.modules.values()):
        f = getattr(m, "__file__", None)
        if not f or os.path.dirname(os.path.abspath(f)) == HERE:
            continue
        files.add(f)
        if f.endswith(".py"):
            c = importlib.util.cache_from_source(f)
            if os.path.exists(c):
                files.add(c)
    print("\n".join(sorted(files)))


def run_vm(args):
    """Boots the project's qemu guest (tests/vm/run.sh: Debian's kernel, pure cgroup v2) with
    this Python, the runtimes and the helpers in its initramfs, and runs the sections there."""
    contain = os.path.abspath(args.contain)
    if not os.access(contain, os.X_OK):
        return {"mode": "vm", "skipped": "no contain binary at %s" % contain}
    work = tempfile.mkdtemp(prefix="bench-vm.", dir=args.tmpdir)
    try:
        inject = os.path.join(work, "inject")
        guest = os.path.join(inject, "bench")
        os.makedirs(guest)
        for m in MODULES:
            shutil.copy(os.path.join(HERE, m), guest)
        helpers = build_helpers(work)
        for name, path in helpers.items():
            shutil.copy(path, os.path.join(guest, name))
        rootfs = args.rootfs or ROOTFS
        if not os.path.exists(os.path.join(rootfs, "bin", "busybox")):
            subprocess.run([os.path.join(REPO, "bundles", "busybox", "build-rootfs.sh")], check=True)
        shutil.copytree(rootfs, os.path.join(guest, "rootfs"), symlinks=True)
        shutil.copy(args.config or CONFIG, os.path.join(guest, "config.json"))
        # Python: the interpreter and the extension modules with their libraries (-b), the
        # pure-Python modules it imports at their own paths
        bins = [sys.executable]
        r = subprocess.run([sys.executable, "-E", "-S", os.path.abspath(__file__), "--list-python-files"],
                           capture_output=True, text=True, check=True)
        for f in r.stdout.split():
            if f.endswith(".so"):
                bins.append(f)
            else:
                dest = os.path.join(inject, f.lstrip("/"))
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copy2(f, dest)
        for name in ("crun", "runc"):
            if shutil.which(name):
                bins.append(os.path.realpath(shutil.which(name)))
        # the baseline goes in under /bench (the guest mounts a tmpfs over /tmp, where a build
        # may be), its shared libraries with it (-b)
        base = None
        if args.baseline:
            shutil.copy(os.path.abspath(args.baseline), os.path.join(guest, "contain-base"))
            bins.append(os.path.abspath(args.baseline))
            base = "/bench/contain-base"
        counts = args.vm_scale_counts
        sections = [x for x in args.sections.split(",") if x != "scale" or counts]
        inner = [sys.executable, "-E", "-S", "/bench/bench.py", "--inner", "vm",
                 "--runs", str(args.vm_runs), "--warmup", "1", "--contain", "/usr/local/bin/contain",
                 "--floor", "/bench/floor", "--spawn", "/bench/spawn", "--rootfs", "/bench/rootfs",
                 "--config", "/bench/config.json", "--tmpdir", "/tmp", "--sections", ",".join(sections),
                 "--scale-counts", counts, "--scale-runtimes", args.scale_runtimes,
                 "--scale-parallel", str(args.scale_parallel), "--scale-reps", str(args.scale_reps)]
        if args.no_limits:
            inner.append("--no-limits")
        if args.no_quiesce:
            inner.append("--no-quiesce")
        if base:
            inner += ["--baseline", base]
        inner += ["--vm-aslr", args.vm_aslr]
        cmd = [VM_RUN, "-i", inject]
        for b in bins:
            cmd += ["-b", b]
        cmd += ["-c", shlex.join(inner), contain]
        log("vm: booting the guest (tests/vm/run.sh), %d runs" % args.vm_runs)
        host_load = os.getloadavg()[0]
        found, said = [], []

        def on_line(line):          # the guest's stdout and stderr come as one stream
            if line.startswith('{"mode"'):
                found.append(line)
            else:                   # the guest's own "bench: ..." progress, and run.sh's notes
                said.append(line.strip())
                log("guest: " + line.rstrip().removeprefix("bench: "))
            return True

        env = dict(os.environ, CONTAIN_VM_TIMEOUT=str(args.vm_timeout))
        rc, _ = run_child(cmd, on_line, env)
        if rc != 0 or not found:
            return {"mode": "vm", "skipped": "tests/vm/run.sh exited %d%s; its last words: %s" % (
                rc, "" if found else " without a result", " / ".join(said[-2:]) or "none")}
        res = json.loads(found[-1])
        res["host_loadavg"] = [host_load, os.getloadavg()[0]]
        for name, s in res["runtimes"].items():
            # binaries are measured on the host: same files
            s["path"] = {"contain": contain, "floor": helpers["floor"]}.get(name, shutil.which(name) or s["path"])
        add_binaries(res)
        return res
    finally:
        shutil.rmtree(work, ignore_errors=True)


def inner_vm(args):
    # controllers enabled for the root's children, as a host's init does: crun and runc enable
    # them only below their own parent (contain would do it itself)
    for c in ("cpu", "memory", "pids", "cpuset", "io"):
        try:
            with open("/sys/fs/cgroup/cgroup.subtree_control", "w") as f:
                f.write("+" + c)
        except OSError as e:
            log("vm: cannot enable the %s controller: %s" % (c, e))
    if args.vm_aslr == "off":
        # the whole guest, so every runtime (and the floor) runs at fixed addresses alike
        with open("/proc/sys/kernel/randomize_va_space", "w") as f:
            f.write("0")
    res = run_mode_here(args, "vm")
    res["aslr"] = args.vm_aslr
    print(json.dumps(res), flush=True)


# ------------------------------------------------------------------ the table

def fmt_ms(d, key="median_ms"):
    return "%.2f" % d[key] if d and key in d else "-"


def libs_cell(b):
    """Direct shared libraries, and how many more they pull in."""
    if b.get("libs") == ["(static)"]:
        return "(static)"
    needed = [l.split(".so")[0] for l in b.get("needed", []) if not l.startswith("ld-linux")]
    if not needed:
        return "-"
    extra = len(b.get("libs", [])) - len(needed)
    return ",".join(needed) + (" (+%d indirect)" % extra if extra > 0 else "")


def print_table(res, out=sys.stdout):
    w = out.write
    if res.get("skipped"):
        w("\n== mode %s: skipped: %s\n" % (res["mode"], res["skipped"]))
        return
    m = res["machine"]
    if res["runtimes"]:
        w("\n== mode %s: %d runs (+%d warm-up) of /bin/true per runtime, alternating; %s, %d CPUs, %s\n"
          % (res["mode"], res["runs"], res["warmup"], m["kernel"], m["nproc"], m["cpu"]))
    else:
        w("\n== mode %s: %s, %d CPUs, %s\n" % (res["mode"], m["kernel"], m["nproc"], m["cpu"]))
    w("   config resources: %s; load average %.1f before, %.1f after (other work on the machine)\n"
      % (", ".join(res["resources"]) or "none", res.get("loadavg_before", 0), m.get("loadavg", 0)))
    if res.get("workdir_fs"):
        w("   each runtime's --root and the bundle on %s\n" % res["workdir_fs"])
    if res.get("steal_pct") is not None:
        w("   CPU steal (the hypervisor's other guests) %.1f%% of the CPU time during the mode\n" % res["steal_pct"])
    if res.get("host_loadavg"):
        w("   host (qemu TCG emulation) load average %.1f before, %.1f after\n" % tuple(res["host_loadavg"]))
    if res.get("aslr") == "off":
        w("   ASLR off in the guest (kernel.randomize_va_space=0) for every runtime: TCG keeps the code\n"
          "   it translated for the next call, as a CPU runs it again at no cost\n")
    if res["runtimes"]:
        print_run(res, w)
    if res.get("cgroup_leftovers"):
        w("   cgroups left behind (removed): %s\n" % " ".join(res["cgroup_leftovers"]))
    if res.get("mount_leftovers"):
        w("   mounts left behind (detached): %s\n" % " ".join(res["mount_leftovers"]))
    if res.get("exec"):
        bench_exec.print_exec(res["exec"], w)
    if res.get("scale"):
        bench_scale.print_scale(res["scale"], w)


def print_run(res, w):
    """The run and c+s+d table (the format of the first recordings, kept for comparison)."""
    w("   wall ms (median, p90); run cpu = median user+system ms of the run's process tree;\n"
      "   RSS = peak KiB of the runtime process and what it reaped (max over calls)\n")
    hdr = ("runtime", "run med", "run p90", "run cpu", "create", "start", "delete", "c+s+d med",
           "c+s+d p90", "RSS run", "RSS c/s/d", "stripped", "shared libraries")
    rows = []
    for name, s in res["runtimes"].items():
        if s.get("error"):
            rows.append((name, "n/a: " + s["error"]))
            continue
        b = s.get("binary", {})
        rss_csd = max([s.get(p, {}).get("rss_max_kb", 0) for p in ("create", "start", "delete")])
        rows.append((name, fmt_ms(s.get("run")), fmt_ms(s.get("run"), "p90_ms"),
                     fmt_ms(s.get("run"), "cpu_median_ms"), fmt_ms(s.get("create")), fmt_ms(s.get("start")), fmt_ms(s.get("delete")),
                     fmt_ms(s.get("csd")), fmt_ms(s.get("csd"), "p90_ms"),
                     str(s.get("run", {}).get("rss_max_kb", "-")), str(rss_csd or "-"),
                     "%dK" % (b["stripped_size"] // 1024) if "stripped_size" in b else "-",
                     libs_cell(b)))
    widths = [max(len(hdr[i]), *(len(r[i]) for r in rows if len(r) > 2)) for i in range(len(hdr))]
    line = lambda cells: "  ".join(c.rjust(widths[i]) if 0 < i < 12 else c.ljust(widths[i])
                                   for i, c in enumerate(cells)).rstrip() + "\n"
    w(line(hdr))
    for r in rows:
        w(line(r) if len(r) > 2 else "%s  %s\n" % (r[0].ljust(widths[0]), r[1]))
    for name, s in res["runtimes"].items():
        if s.get("note") and not s.get("error"):
            w("   %s: %s\n" % (name, s["note"]))
        if s.get("failures"):
            w("   %s: %d failed calls (not counted)\n" % (name, s["failures"]))
    rts = res["runtimes"]
    c = rts.get("contain", {})
    if c.get("error") or "run" not in c:
        w("   ratios: contain did not run\n")
    for other in ("contain-base", "crun", "runc", "floor"):
        if other == "contain-base" and other not in rts:
            continue
        o = rts.get(other, {})
        if not c.get("run"):
            break
        if o.get("error") or "run" not in o:
            w("   contain/%s: n/a\n" % other)
            continue
        parts = ["run %s" % ratio(c["run"]["median_ms"], o["run"]["median_ms"]),
                 "run cpu %s" % ratio(c["run"].get("cpu_median_ms"), o["run"].get("cpu_median_ms"))]
        if other != "floor":
            parts.append("c+s+d %s" % ratio(c.get("csd", {}).get("median_ms"), o.get("csd", {}).get("median_ms")))
            parts.append("RSS %s" % ratio(c["run"].get("rss_max_kb"), o["run"].get("rss_max_kb")))
            parts.append("stripped size %s" % ratio(c.get("binary", {}).get("stripped_size"),
                                                    o.get("binary", {}).get("stripped_size")))
        w("   contain/%s: %s\n" % (other, ", ".join(parts)))
    f = rts.get("floor", {})
    if f.get("run"):
        xs = ["%s %.1fx" % (n, s["run"]["median_ms"] / f["run"]["median_ms"])
              for n, s in rts.items() if n != "floor" and s.get("run") and not s.get("error")]
        if xs:
            w("   times the floor (run median): %s\n" % ", ".join(xs))


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=100, help="measured runs per runtime (default 100)")
    ap.add_argument("--warmup", type=int, default=3, help="unmeasured runs first (default 3)")
    ap.add_argument("--mode", default="all", choices=("native", "nocgroup", "vm", "all"))
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--contain", default=os.path.join(REPO, "build", "contain"),
                    help="contain binary (default build/contain)")
    ap.add_argument("--baseline", metavar="PATH",
                    help="a second contain binary, shown as contain-base (a change's cost: before/after)")
    ap.add_argument("--no-limits", action="store_true",
                    help="drop linux.resources in native/vm too (nocgroup always drops them)")
    ap.add_argument("--no-quiesce", action="store_true",
                    help="time each call right after the one before, without waiting for the kernel to "
                         "free the network namespaces it left (how the recordings before commit a9f39af ran)")
    ap.add_argument("--sections", default=",".join(SECTIONS), type=sections_arg,
                    help="what to measure, comma-separated (default run,exec,scale)")
    ap.add_argument("--exec-runs", type=int, help="exec calls per runtime (default: --runs)")
    ap.add_argument("--scale-counts", default="10,100,500",
                    help="containers running at once in the scale section (default 10,100,500; '' skips it)")
    ap.add_argument("--scale-runtimes", default="contain,contain-base,crun",
                    help="runtimes of the scale section (default contain,contain-base,crun; add runc)")
    ap.add_argument("--scale-parallel", type=int, default=8, help="creates/starts/deletes in flight (8)")
    ap.add_argument("--scale-reps", type=int, default=10,
                    help="list/state/ps calls per count, and most kills and deletes of one (10)")
    # 10 gave medians 0.1 apart between runs of the same binaries (TCG guest): 30 halve that
    ap.add_argument("--vm-runs", type=int, default=30, help="runs (and exec calls) inside the VM (default 30)")
    ap.add_argument("--vm-scale-counts", default="",
                    help="scale counts inside the VM (default none: the guest has 1 GiB and emulated CPUs)")
    # QEMU's TCG keys the code it translated by virtual address: with ASLR each call runs at new
    # addresses and re-translates every instruction it executes, which the guest's times then
    # follow more than any system call (docs/performance.md, sixth session)
    ap.add_argument("--vm-aslr", choices=("on", "off"), default="on",
                    help="address space randomisation in the guest (default on, the kernel's default)")
    ap.add_argument("--vm-timeout", type=int, default=1500, help="seconds for the whole guest run (1500)")
    ap.add_argument("--tmpdir", default=None,
                    help="where the work directory (every runtime's --root, the bundle) goes "
                         "(default: /run or /dev/shm, whichever is a tmpfs, else /tmp)")
    ap.add_argument("--list-python-files", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--floor", help=argparse.SUPPRESS)
    ap.add_argument("--spawn", help=argparse.SUPPRESS)
    ap.add_argument("--rootfs", help=argparse.SUPPRESS)
    ap.add_argument("--config", help=argparse.SUPPRESS)
    ap.add_argument("--inner", choices=("nocgroup", "vm"), help=argparse.SUPPRESS)
    ap.add_argument("--host-mntns", help=argparse.SUPPRESS)
    ap.add_argument("--from-json", metavar="FILE", help="print the tables of a saved --json run")
    args = ap.parse_args()
    QUIESCE[0] = not args.no_quiesce
    if args.tmpdir is None:
        args.tmpdir = default_tmpdir()

    if args.list_python_files:
        return list_python_files()
    if args.from_json:
        with open(args.from_json) as f:
            for res in json.load(f):
                print_table(res)
        return
    interrupt_on_term()
    try:
        if args.inner == "nocgroup":
            return inner_nocgroup(args)
        if args.inner == "vm":
            return inner_vm(args)
    except KeyboardInterrupt:
        sys.exit(130)
    if os.geteuid() != 0:
        die("run as root")

    modes = ("native", "nocgroup", "vm") if args.mode == "all" else (args.mode,)
    # The scale sections go last (nocgroup's, then native's): 500 containers with v1 memory cgroups leave the host's kernel
    # slower for a quarter of an hour (a nocgroup `create` right after read 6 ms against 3.5 ms
    # later; the dying memory cgroups stay), which would be charged to the sections after them.
    sections = args.sections.split(",")
    first = [x for x in sections if x != "scale"]
    defer = len(modes) > 1 and "scale" in sections and bool(first)
    results = []
    try:
        for mode in modes:
            pass_args = args
            if defer and mode != "vm":      # the guest is a kernel of its own, booted afresh
                pass_args = argparse.Namespace(**vars(args))
                pass_args.sections = ",".join(first)
            res = run_one_mode(pass_args, mode)
            results.append(res)
            if not args.json and not defer:
                print_table(res)
                sys.stdout.flush()
        if defer:
            # nocgroup's scale first: it leaves no cgroups behind for the native one to pay for
            for res in sorted(results, key=lambda r: r.get("mode") != "nocgroup"):
                if res.get("mode") == "vm" or res.get("skipped"):
                    continue
                scale_args = argparse.Namespace(**vars(args))
                scale_args.sections = "scale"
                later = run_one_mode(scale_args, res["mode"])
                if later.get("scale"):
                    res["scale"] = later["scale"]
                    res["sections"] = sections
            if not args.json:
                for res in results:
                    print_table(res)
                sys.stdout.flush()
    except KeyboardInterrupt:
        log("interrupted: what the benchmark created is deleted%s" % (
            "; the modes finished are printed as JSON" if args.json and results else ""))
        if args.json and results:
            json.dump(results, sys.stdout, indent=1)
            print()
        sys.exit(130)
    if args.json:
        json.dump(results, sys.stdout, indent=1)
        print()


def run_one_mode(args, mode):
    """The result dict of one mode, measured with args.sections."""
    if mode == "native":
        return run_mode_here(args, "native")
    if mode == "nocgroup":
        return run_nocgroup(args)
    return run_vm(args)


def sections_arg(value):
    names = [x.strip() for x in value.split(",") if x.strip()]
    bad = [x for x in names if x not in SECTIONS]
    if bad or not names:
        raise argparse.ArgumentTypeError("sections are %s, not %r" % (", ".join(SECTIONS), value))
    return ",".join(names)


if __name__ == "__main__":
    main()
