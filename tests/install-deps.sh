#!/bin/bash
# Installs the Debian packages named on the command line that are not installed yet: one
# `apt-get update`, then `apt-get install -y --no-install-recommends`; nothing when all are present.
# Shared by demo.sh and tests/run-all.sh so both commands install the same way.
# usage: install-deps.sh [--try] PKG...
#   --try  install what can be installed; print the packages that could not be, one a line, on
#          stdout, and exit 0 (callers skip what needs them).  Without --try any failure exits 1.
set -uo pipefail

try=0
if [ "${1:-}" = --try ]; then try=1; shift; fi

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

missing=()
for p in "$@"; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages ${missing[*]}; run as root (or install them) first" >&2
	[ $try -eq 1 ] && { printf '%s\n' "${missing[@]}"; exit 0; }
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}" >&2
apt-get update -qq </dev/null >&2 || echo "install-deps: apt-get update failed; trying the install anyway" >&2
if apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >&2; then
	exit 0
fi

# One bad name makes apt refuse the whole list: retry one by one to learn which ones fail.
failed=()
for p in "${missing[@]}"; do
	installed "$p" && continue
	apt-get install -y --no-install-recommends "$p" </dev/null >&2 || failed+=("$p")
done
[ ${#failed[@]} -eq 0 ] && exit 0
echo "install-deps: could not install: ${failed[*]}" >&2
if [ $try -eq 1 ]; then
	printf '%s\n' "${failed[@]}"
	exit 0
fi
exit 1
