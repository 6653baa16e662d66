# Shared by the bats files of tests/cgroup: where a process's v1 cgroups are, and waiting for
# a detached container's output.

# v1dir CONTROLLER PID: the cgroup directory of PID in a v1 hierarchy
v1dir() {
        local path
        path=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/"$2"/cgroup)
        echo "/sys/fs/cgroup/$1$path"
}

# wait_for_output FILE TEXT: up to 10 s until FILE contains TEXT
wait_for_output() {
        local i
        for i in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
        echo "no '$2' in $1: $(cat "$1")" >&2; return 1
}
