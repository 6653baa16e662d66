#!/usr/bin/env bats
# The runtime SIGKILLed at a system call of create, start, delete, run and exec (and quick
# mode's run with --overlay --net veth): `delete --force` answers 0 and leaves no state dir,
# cgroup, process, mount or veth; `state` and `list` print JSON or an error meanwhile.
# FAULTS_FULL=1 tries every kill point (see faults.bash).

load faults

setup() { faults_setup; }
teardown() { common_teardown; }

@test "killed anywhere in create: delete --force leaves nothing" {
        sweep create prep_none no_check create --bundle "$BUNDLE" @ID
}

# With cgroups disabled the state waits until after clone and the runtime makes the netns:
# a kill at the exec fifo, the clone or the netns leaves a state dir holding only the fifo.
@test "killed at the fifo, the clone or the netns with cgroups disabled: delete --force leaves nothing" {
        local p
        for p in "mknodat 1" "clone3 1" "unshare 1" "setns 2" "ioctl 2"; do
                try_point create-nocg "${p% *}" "${p#* }" prep_none no_check \
                        --cgroup-manager disabled create --bundle "$BUNDLE" @ID
        done
        if [ -s "$FAILS" ]; then
                cat "$FAILS"
                return 1
        fi
}

@test "killed at each unlink of a delete (its own, or run's): the next delete --force finishes it" {
        # the state dir's files go one by one, state.json last: a dir left holding only
        # config.json would be refused as not a container's (lock.c)
        local n
        for n in 1 2 3 4 5 6; do
                try_point delete-unlink unlinkat "$n" prep_running no_check delete --force @ID
        done
        set_args /bin/true
        for n in 1 2 3 4 5 6; do
                try_point run-unlink unlinkat "$n" prep_none no_check --cgroup-manager disabled run --bundle "$BUNDLE" @ID
        done
        if [ -s "$FAILS" ]; then
                cat "$FAILS"
                return 1
        fi
}

@test "killed anywhere in start: never 'created' while the process runs, delete --force leaves nothing" {
        sweep start prep_created check_start start @ID
}

@test "killed anywhere in delete: delete --force leaves nothing" {
        sweep delete prep_running no_check delete --force @ID
}

@test "killed anywhere in run: delete --force leaves nothing" {
        set_args /bin/sleep 0.2
        sweep run prep_none no_check run --bundle "$BUNDLE" @ID
}

@test "killed anywhere in exec: delete --force leaves nothing" {
        sweep exec prep_running no_check exec @ID /bin/true
}

@test "killed anywhere in quick mode run --overlay --net veth: delete --force leaves nothing" {
        sweep quick prep_none no_check run --rootfs "$BUNDLE/rootfs" --overlay --net veth --name @ID -q -- /bin/true
}
