#!/bin/sh
# Condenses a suite's call record (CLIENTS_RECORD=DIR bats tests/clients/ writes DIR/<suite>.md)
# into the form docs/clients.md shows: one "argv -> exit" line per runtime call, with the long
# paths and ids replaced by short names:
#   <id>  a 64-hex container id, or buildah's buildah-buildah<N>      <x>  a 64-hex exec id
#   B     the bundle / userdata dir (buildah: $CL/tmp/buildah<N>)  R    the runtime root
#   cwd is shown only when it is not the caller's directory (containerd: always the bundle).
# usage: record-md.sh RECORD.md
set -eu
sed -E \
	-e 's#\$CL/state/io\.containerd\.runtime\.v2\.task/[^/ ]+/([^/ :]+)#B#g' \
	-e 's#\$CL/rr/[^ ]+#R#g' \
	-e 's#\$CL/tmp/buildah[0-9]+#B#g' \
	-e 's#buildah-buildah[0-9]+#<id>#g' \
	-e 's#\$CL/(graph|run)/overlay-containers/[0-9a-f]{64}/userdata#B#g' \
	-e 's#\$CL/x/containerd/daemon/io\.containerd\.runtime\.v2\.task/moby/[0-9a-f]{64}#B#g' \
	-e 's#\$CL/x/runtime-runc/moby#R#g' \
	-e 's#B/[0-9a-f]{64}#B/<x>#g' \
	-e 's#[0-9a-f]{64}#<id>#g' \
	-e 's#/tmp/runc-process[0-9]+#/tmp/runc-process*#g' \
	-e 's#/tmp/conmon-term\.[A-Za-z0-9]+#/tmp/conmon-term.*#g' \
	-e 's#exec-process-[0-9]+#exec-process-*#g' \
	-e 's#/tmp/pty[0-9]+/#/tmp/pty*/#g' \
	-e 's#\$CL/bin/#W/#g' \
	"$1" |
	awk '
	function flush() { for (i = 1; i <= n; i++) print line[i] (rc[i] != "" ? "  -> " rc[i] : "  -> (no exit logged)"); n = 0; delete line; delete rc; delete at }
	/^\[[0-9]+\] => exit / { p = $1; sub(/^\[[0-9]+\] => exit /, ""); if (p in at) rc[at[p]] = $0; next }
	/^\[[0-9]+\] / { p = $1; sub(/^\[[0-9]+\] /, ""); sub(/^[^:]*: /, ""); line[++n] = "    " $0; rc[n] = ""; at[p] = n; next }
	{ flush(); print }
	END { flush() }'
