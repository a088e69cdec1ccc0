#!/usr/bin/env bash
# Integration tests on Debian's 32-bit kernel (KERNEL=6.1-686, linux-image-
# 686-pae, i386) under QEMU, plus the [vspace] answer on a 64-bit one.
# Every check is a named test; the last line is "N passed, N failed".
#
#   tests/integration/i386.sh
#
# Boot 1 (6.1-686, default vmalloc range): the module built with zero
# warnings loads; INFO matches the kernel; the quick config runs with a
# 32-bit static runner; abi-abuse (built -m32 -static) passes; [vspace]
# (configs/vspace.conf) shows a vmalloc failing while MemFree is far above
# its size, then succeeding once released, /proc/vmallocinfo back to its
# starting areas; the module unloads; dmesg clean.
# Boot 2 (6.1-686, vmalloc=512M: configs/vspace-512m.conf): the same
# failure in a range four times larger, the parameter recorded.
# Boot 3 (6.12 amd64): [vspace] reports the 32 TiB range and says
# fragmentation is not reachable, without trying.
#
# Environment: ALLOCBENCH_TEST_CONFIG (quick config, default
# configs/quick.conf), ALLOCBENCH_VM_TIMEOUT (seconds per VM, default 900),
# KEEP=1 keeps the work folder.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
conf=${ALLOCBENCH_TEST_CONFIG:-configs/quick.conf}
vto=${ALLOCBENCH_VM_TIMEOUT:-900}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
t() {	# t NAME CMD...: one named test; the command's output is shown only on failure
	local name=$1 _o; shift
	if _o=$("$@" 2>&1); then pass "$name"; else fail "$name"; [ -n "$_o" ] && printf '%s\n' "$_o" | head -n 15 | sed 's/^/       /'; fi
}
finish() {
	echo "i386: $passed passed, $failed failed"
	[ $failed = 0 ]
	exit
}
work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-i386.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "i386: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi
t_all=$(date +%s)

# ---- host-side builds ---------------------------------------------------------
echo "i386: building the 32-bit runner and abi-abuse (gcc -m32 -static), the 64-bit static runner"
mkdir -p build/tests
rm -f build/tests/abi-abuse32 runner/allocbench-static32
t "runner-static32 builds (gcc -m32, -Wall -Werror; i386 libinih/zlib from scripts/i386-userland.sh)" \
	make -s -C runner static32
t "runner-static32 is a static 32-bit ELF" bash -c \
	"file runner/allocbench-static32 | grep -q 'ELF 32-bit.*statically linked'"
t "abi-abuse builds -m32 (static, -Wall -Werror)" gcc -m32 -std=c11 -O2 -Wall -Wextra -Werror -static \
	-I bench-module/include/uapi -o build/tests/abi-abuse32 tests/integration/abi-abuse.c
t "runner builds (host) and runner-static (64-bit)" bash -c "make -s -C runner && make -s -C runner static"
[ -x runner/allocbench-static32 ] || { echo "i386: no 32-bit runner, cannot go on"; finish; }
runner=runner/allocbench
points=$("$runner" check -c "$conf" --plan 2>/dev/null | awk -F'\t' '$2 ~ /^\[latency/' | wc -l)
t "configs/vspace.conf and vspace-512m.conf are valid" bash -c \
	"$runner check -c configs/vspace.conf && $runner check -c configs/vspace-512m.conf"

# ---- the 32-bit kernel --------------------------------------------------------
kcache=$(scripts/kernel-cache.sh 6.1-686 2>"$work/kc.err") ||
	{ fail "6.1-686: kernel cache (linux-image-686-pae, i386)"; sed 's/^/       /' "$work/kc.err"; finish; }
rel=$(cat "$kcache/release")
t "6.1-686: kernel cache says arch i386 ($rel)" grep -qx i386 "$kcache/arch"
ko=$(scripts/build-module.sh --strict "$kcache/build" 2>"$work/build.err")
if [ -n "$ko" ]; then pass "6.1-686: module builds with zero warnings ($rel)"; else
	fail "6.1-686: module builds with zero warnings ($rel)"; sed 's/^/       /' "$work/build.err" | head -n 20; finish; fi
t "6.1-686: allocbench.ko is a 32-bit module" bash -c "file '$ko' | grep -q 'ELF 32-bit.*80386'"

boot() {	# boot NAME KERNEL CMDLINE QUICK VSPACE_CONF RUNNER KO [ABI]: one VM, outputs in $work/NAME
	local name=$1 k=$2 cl=$3 q=$4 vc=$5 rb=$6 mod=$7 abi=${8:-} rc=0 files t0
	t0=$(date +%s)
	files=(-f "$rb:/bin/allocbench" -f "$mod:/data/allocbench.ko" -f "$vc:/data/vspace.conf")
	[ "$q" != - ] && files+=(-f "$q:/data/quick.conf")
	[ -n "$abi" ] && files+=(-f "$abi:/bin/abi-abuse")
	scripts/vm-run.sh -k "$k" -m 1G ${cl:+-c "$cl"} -t "$vto" -o "$work/$name" "${files[@]}" \
		tests/integration/i386-guest.sh "$([ "$q" != - ] && echo /data/quick.conf || echo -)" /data/vspace.conf \
		2>"$work/$name.err" || rc=$?
	if [ $rc = 0 ]; then
		pass "$name: VM boots and the guest script completes ($(grep ^arch= "$work/$name/vm.env" | cut -d= -f2),"\
" $(grep ^accelerator= "$work/$name/vm.env" | cut -d= -f2), boot $(grep ^boot_s= "$work/$name/vm.env" | cut -d= -f2) s,"\
" VM $(grep ^wall_s= "$work/$name/vm.env" | cut -d= -f2) s)"
	else
		fail "$name: VM boots and the guest script completes (exit $rc)"; sed 's/^/       /' "$work/$name.err"
		tail -n 20 "$work/$name/console.log" 2>/dev/null | sed 's/^/       console: /'
	fi
	echo "i386: boot $name took $(( $(date +%s) - t0 )) s"
	return $rc
}
rc_ok() { [ "$(cat "$1.rc" 2>/dev/null)" = 0 ] || { cat "$1.txt" 2>/dev/null | tail -n 20; echo "exit $(cat "$1.rc" 2>/dev/null || echo '?')"; return 1; }; }
dmesg_clean() {	# no WARN/BUG/Oops in the whole boot
	! grep -E 'WARNING:|BUG:|Oops|Call Trace|page allocation failure|general protection' "$1/dmesg.txt"
}
# What the kernel said during the [vspace] run: not even vmap's "vmap allocation
# for size N failed" notice (vmap() takes no __GFP_NOWARN): the hold's fill count,
# computed from /proc/vmallocinfo, never made a vmap run out of room.
dmesg_vspace_quiet() {
	local n
	n=$(wc -l < "$1/dmesg-before-vspace.txt") || return 1
	! tail -n +$((n + 1)) "$1/dmesg.txt" | grep -E 'WARNING:|BUG:|Oops|Call Trace|allocation failure|vmap allocation for size|vmalloc error'
}

echo "i386: boot 1: $rel, quick config, abi-abuse, [vspace]"
cmdline=$("$runner" check -c "$conf" --get cmdline 2>/dev/null || true)
if boot 6.1-686 "$kcache" "$cmdline" "$conf" configs/vspace.conf runner/allocbench-static32 "$ko" build/tests/abi-abuse32; then
	o=$work/6.1-686
	t "6.1-686: allocbench load (finit_module)" rc_ok "$o/load"
	t "6.1-686: INFO matches the 32-bit kernel (PAGE_SIZE 4K, KMALLOC_MAX_SIZE 4M, MAX_ORDER 11, vmalloc_start set)" bash -c \
		"python3 '$here/check.py' info '$o/info.txt' kmalloc_max_size=4194304 kmalloc_max_cache_size=8192 max_order=10 \
		 page_size=4096 max_order_const=11 && ! grep -q '^vmalloc_start *0x0$' '$o/info.txt'"
	t "6.1-686: allocbench run $conf (32-bit runner, 32-bit kernel)" rc_ok "$o/run"
	t "6.1-686: latency.csv invariants" python3 "$here/check.py" latency "$o/run" "$conf" "$o/list.txt" "${points:-}"
	t "6.1-686: abi-abuse (-m32): every case passed ($(tail -n1 "$o/abi.txt" 2>/dev/null))" rc_ok "$o/abi"
	t "6.1-686: [vspace] run completes" rc_ok "$o/vspace"
	t "6.1-686: [vspace] vmalloc fails fragmented with MemFree far above its size, succeeds before and after" \
		python3 "$here/vspace-checks.py" shown "$o/vspace" $((100 << 20))
	t "6.1-686: /proc/vmallocinfo after [vspace] holds the areas it held before" \
		python3 "$here/vspace-checks.py" vmallocinfo "$o/vmallocinfo-start.txt" "$o/vmallocinfo-end.txt"
	t "6.1-686: module unloads" bash -c "$(declare -f rc_ok); rc_ok '$o/unload' && ! grep -q '^allocbench ' '$o/modules.txt'"
	t "6.1-686: dmesg has no WARNING/BUG/Oops/allocation failure" dmesg_clean "$o"
	t "6.1-686: the kernel said nothing during [vspace] (no vmap or vmalloc failure notice)" dmesg_vspace_quiet "$o"
	if "$runner" report "$o/vspace" > "$work/report.out" 2>&1 &&
	   grep -q 'Measured by \[vspace\] on kernel 6.1' "$o/vspace/report.md" &&
	   python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$o/vspace/charts/vspace.svg" &&
	   python3 -c 'import sys; sys.exit(open(sys.argv[1], "rb").read(8) != b"\x89PNG\r\n\x1a\n")' "$o/vspace/charts/vspace.png"; then
		pass "6.1-686: report: the vmalloc answer uses the [vspace] figures; chart vspace renders (SVG well-formed, PNG)"
	else
		fail "6.1-686: report: the vmalloc answer uses the [vspace] figures; chart vspace renders (SVG well-formed, PNG)"
		tail -n 10 "$work/report.out" | sed 's/^/       /'
	fi
	t "6.1-686: the quick run's report renders on the host" "$runner" report "$o/run"
fi

echo "i386: boot 2: $rel with vmalloc=512M, [vspace]"
cl512=$("$runner" check -c configs/vspace-512m.conf --get cmdline)
if boot 6.1-686-vmalloc512 "$kcache" "$cl512" - configs/vspace-512m.conf runner/allocbench-static32 "$ko"; then
	o=$work/6.1-686-vmalloc512
	t "vmalloc=512M: [vspace] run completes" rc_ok "$o/vspace"
	t "vmalloc=512M: a range >= 500M, and the same failure with MemFree far above the size" \
		python3 "$here/vspace-checks.py" shown "$o/vspace" $((500 << 20))
	t "vmalloc=512M: recorded in vspace.csv and meta.csv" python3 "$here/vspace-checks.py" param "$o/vspace" 512M
	t "vmalloc=512M: /proc/vmallocinfo back to its starting areas" \
		python3 "$here/vspace-checks.py" vmallocinfo "$o/vmallocinfo-start.txt" "$o/vmallocinfo-end.txt"
	t "vmalloc=512M: dmesg clean, nothing said during [vspace]" bash -c \
		"$(declare -f dmesg_clean dmesg_vspace_quiet); dmesg_clean '$o' && dmesg_vspace_quiet '$o'"
fi

# ---- a 64-bit kernel: the range is reported, fragmentation not reachable ----------
echo "i386: boot 3: 6.12 (amd64), [vspace] reports the range, not reachable"
if k64=$(scripts/kernel-cache.sh 6.12 2>"$work/kc.err") && ko64=$(scripts/build-module.sh --strict "$k64/build" 2>"$work/build.err"); then
	if boot 6.12 "$k64" init_on_alloc=0 - configs/vspace.conf runner/allocbench-static "$ko64"; then
		o=$work/6.12
		t "6.12: [vspace] run completes" rc_ok "$o/vspace"
		t "6.12: [vspace] reports the range and 'not reachable', tries nothing" \
			python3 "$here/vspace-checks.py" unreachable "$o/vspace"
		if "$runner" report "$o/vspace" > "$work/report.out" 2>&1 && grep -q 'not reachable at this scale' "$o/vspace/report.md"; then
			pass "6.12: the vmalloc answer says fragmentation is not reachable at this scale"
		else
			fail "6.12: the vmalloc answer says fragmentation is not reachable at this scale"
			tail -n 10 "$work/report.out" | sed 's/^/       /'
		fi
		t "6.12: dmesg clean, nothing said during [vspace]" bash -c \
			"$(declare -f dmesg_clean dmesg_vspace_quiet); dmesg_clean '$o' && dmesg_vspace_quiet '$o'"
	fi
else
	fail "6.12: kernel cache and module build"; cat "$work/kc.err" "$work/build.err" 2>/dev/null | sed 's/^/       /' | head
fi
echo "i386: all boots took $(( $(date +%s) - t_all )) s"
finish
