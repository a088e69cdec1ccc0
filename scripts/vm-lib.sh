# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2154  # the variables are shared with the sourcing script
# What scripts/vm-run.sh and scripts/vm-rootfs-run.sh share, sourced by both:
# the messages, the options they have in common and their checks, the guest
# script's arguments, the output folder, QEMU in the background, the wait for
# it and the KVM probe. The caller sets me (its name in messages) and
# vm_self (its own path: usage prints its header), and before QEMU starts,
# work (its scratch folder) and vm_up_file, vm_up_pattern (what shows the
# guest came up, for the KVM probe) and vm_watch_pause (seconds between
# looks).

die() { echo "$me: $*" >&2; exit 125; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$vm_self"; exit "${1:-2}"; }

# The common options' defaults; the caller sets mem and smp.
cmdline_extra= outdir= timeout_s=3600 accel=${ALLOCBENCH_ACCEL_MODE:-auto} verbose=0
files=()

# One option of the common ones (getopts' $opt and $OPTARG); else usage.
vm_common_option() {
	case $1 in
	m) mem=$OPTARG ;;
	s) smp=$OPTARG ;;
	c) cmdline_extra="${cmdline_extra:+$cmdline_extra }$OPTARG" ;;
	f) files+=("$OPTARG") ;;
	o) outdir=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	a) accel=$OPTARG ;;
	v) verbose=1 ;;
	h) usage 0 ;;
	*) usage 2 >&2 ;;
	esac
}

# The arguments after the options: GUEST_SCRIPT [ARGS...]; then the options' values and QEMU.
vm_check_args() {
	[ $# -ge 1 ] || { echo "$me: no guest script given" >&2; usage 2 >&2; }
	[ -f "$1" ] || die "guest script '$1' not found"
	case $accel in auto|kvm|tcg) ;; *) die "-a takes auto, kvm or tcg, not '$accel'" ;; esac
	[[ $timeout_s =~ ^[0-9]+$ ]] || die "-t takes whole seconds"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found: install qemu-system-x86 (scripts/install-deps.sh)"
}

# Writes the guest script's arguments, quoted for sh, to $1.
vm_quote_args() {
	local file=$1 a
	shift
	: > "$file"
	for a in "$@"; do printf "'%s' " "$(printf %s "$a" | sed "s/'/'\\\\''/g")" >> "$file"; done
}

# qemu_version, and outdir made absolute (a new folder under /tmp when -o was not given,
# announced as "$me: $1 <folder>").
vm_make_outdir() {
	qemu_version=$(qemu-system-x86_64 --version | awk 'NR==1 {print $4}')
	if [ -z "$outdir" ]; then
		outdir=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-out.XXXXXX")
		echo "$me: $1 $outdir" >&2
	fi
	mkdir -p "$outdir"
	outdir=$(cd "$outdir" && pwd)
}

# Starts QEMU with these arguments in the background: qpid is QEMU, spid the subshell
# around it. The subshell keeps bash's "Aborted" notice (QEMU asserting on a KVM it
# cannot drive) out of the user's terminal.
vm_spawn_qemu() {
	rm -f "$work/qemu.pid"
	( qemu-system-x86_64 "$@" < /dev/null > "$work/qemu.err" 2>&1 &
	  echo $! > "$work/qemu.pid"; wait $! ) 2>/dev/null &
	spid=$!
	while [ ! -s "$work/qemu.pid" ]; do sleep 0.02; done
	qpid=$(cat "$work/qemu.pid")
}

# Waits for QEMU; $1 = seconds for the guest to come up in (0: no probe). Sets boot_s
# when the guest's init reports. Returns 0 when QEMU exited, 3 when the probe failed,
# 124 on timeout (timeout_s since start_all).
vm_watch_qemu() {
	local probe=$1 t0 now seen=0 up=0
	t0=$(date +%s.%N)
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s.%N)
		if [ $seen = 0 ] && grep -q 'allocbench-vm: init up' "$work/control.log" 2>/dev/null; then
			seen=1
			boot_s=$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
		fi
		if [ $up = 0 ] && grep -q "$vm_up_pattern" "$vm_up_file" 2>/dev/null; then up=1; fi
		if [ "$probe" != 0 ] && [ $up = 0 ] && awk -v a="$t0" -v b="$now" -v p="$probe" 'BEGIN { exit !(b - a > p) }'; then
			kill "$qpid" 2>/dev/null; wait "$spid" 2>/dev/null || true; qpid=
			return 3
		fi
		if awk -v a="$start_all" -v b="$now" -v p="$timeout_s" 'BEGIN { exit !(b - a > p) }'; then
			kill "$qpid" 2>/dev/null; wait "$spid" 2>/dev/null || true; qpid=
			return 124
		fi
		sleep "$vm_watch_pause"
	done
	wait "$spid" 2>/dev/null || true
	qpid=
	return 0
}

# KVM first unless -a tcg (start_qemu kvm|tcg is the caller's): used=kvm when the guest ran
# under it, status as the wait left it (3: try TCG). $1 says what a guest that never came
# up did ("printed nothing").
vm_try_kvm() {
	used= status=0
	[ "$accel" != tcg ] || return 0
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		start_qemu kvm
		vm_watch_qemu "$([ "$accel" = auto ] && echo "${ALLOCBENCH_KVM_PROBE_S:-6}" || echo 0)" || status=$?
		if [ $status = 0 ] && ! grep -q "$vm_up_pattern" "$vm_up_file" && [ "$accel" = auto ]; then
			status=3	# QEMU refused KVM outright
			echo "$me: KVM unusable ($(grep -m1 -v warning "$work/qemu.err" | sed 's/^qemu-system-x86_64: //' || echo "QEMU exited")): using TCG (software emulation)" >&2
		elif [ $status = 3 ]; then
			echo "$me: KVM guest $1 in ${ALLOCBENCH_KVM_PROBE_S:-6} s: using TCG (software emulation)" >&2
		fi
		[ $status != 3 ] && used=kvm
	elif [ "$accel" = kvm ]; then
		die "-a kvm: /dev/kvm is not usable"
	else
		status=3
	fi
	return 0
}

# The guest's logs into outdir.
vm_copy_logs() {
	cp "$work/console.log" "$outdir/console.log"
	[ -s "$work/serial.log" ] && cp "$work/serial.log" "$outdir/serial.log"
	cp "$work/control.log" "$outdir/control.log" 2>/dev/null || true
}

# Exits 124 when the wait timed out.
vm_exit_on_timeout() {
	if [ "$status" = 124 ]; then
		echo "$me: timeout: killed QEMU after ${timeout_s} s ($release, $used); console: $outdir/console.log" >&2
		exit 124
	fi
}
