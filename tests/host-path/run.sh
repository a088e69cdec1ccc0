#!/usr/bin/env bash
# The host path, proven: `make bench` with TARGET=host on a real
# Debian 12 system, the way a user meets it. Boots Debian's 6.12 kernel in
# QEMU on a full Debian 12 root file system (scripts/rootfs-image.sh: systemd,
# the kernel's own modules and linux-headers package, everything
# scripts/install-deps.sh lists; cached, offline guest), clones the tree under
# test in it and runs:
#
#   boot 1  make bench CONFIG=configs/quick.conf  (TARGET unset: must pick host)
#           make bench TARGET=host CONFIG=configs/limits.conf
#           an older build already loaded (another ABI version), not root,
#           no headers for the running kernel
#   boot 2  lockdown=integrity: unsigned and untrusted-signed modules refused
#
# and checks the results on the host like the vm target's (tests/integration).
# Every check is a named test; the last line is "N passed, N failed".
#
#   tests/host-path/run.sh        (make test-host-path)
#
# Environment: ALLOCBENCH_HOSTPATH_TIMEOUT (seconds per boot, default 3600),
# ALLOCBENCH_HOSTPATH_MEM (guest memory, default 3G: quick.conf's [uaccess]
# maps 1 GiB), KEEP=1 keeps the work folder (printed).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
integ=$top/tests/integration
timeout_s=${ALLOCBENCH_HOSTPATH_TIMEOUT:-3600}
mem=${ALLOCBENCH_HOSTPATH_MEM:-3G}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
t() {	# t NAME CMD...: one named test; the command's output only on failure
	local name=$1 _o; shift
	if _o=$("$@" 2>&1); then pass "$name"; else fail "$name"; [ -n "$_o" ] && printf '%s\n' "$_o" | head -n 15 | sed 's/^/       /'; fi
}
finish() {
	echo "host-path: wall times: ${times[*]:-}"
	echo "host-path: $passed passed, $failed failed"
	[ $failed = 0 ]
	exit
}
times=()
now() { date +%s; }
T0=$(now)

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-hostpath.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "host-path: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi

# ---- the image ---------------------------------------------------------------
t0=$(now)
echo "host-path: root file system image (scripts/rootfs-image.sh; built once, then cached)"
if image=$(scripts/rootfs-image.sh -k 6.12 2>"$work/image.err"); then
	pass "image: Debian 12 + $(cat "$image/release") ($(wc -l < "$image/packages") packages, $image)"
else
	fail "image: scripts/rootfs-image.sh"; sed 's/^/       /' "$work/image.err" | tail -n 20
	finish
fi
rel=$(cat "$image/release")
rel_re=$(printf %s "$rel" | sed 's/[.+]/\\&/g')	# for the regular expressions of says
times+=("image=$(( $(now) - t0 ))s")

# ---- the tree under test: HEAD as a bundle, the working tree on top ------------
in=$work/in
mkdir -p "$in/carry"
git bundle create -q "$in/tree.bundle" HEAD 2>"$work/bundle.err" ||
	{ fail "git bundle of HEAD"; cat "$work/bundle.err"; finish; }
git ls-files -z -co --exclude-standard | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar cf "$in/tree.tar" --null -T - || { fail "tar of the working tree"; finish; }
git ls-files -d > "$in/deleted.txt"
host_rev=$(git rev-parse --short HEAD)
[ -n "$(git status --porcelain -uno)" ] && host_rev=$host_rev-dirty
if command -v openssl >/dev/null; then
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=allocbench host-path test key/" \
		-keyout "$in/test-key.priv" -outform DER -out "$in/test-key.der" >/dev/null 2>&1 || rm -f "$in"/test-key.*
fi
# Points of quick.conf's [latency] sections, as the host's runner plans them.
make -s -C runner >/dev/null 2>&1
points=$(runner/allocbench check -c configs/quick.conf --plan 2>/dev/null | awk -F'\t' '$2 ~ /^\[latency/' | wc -l)

boot() {	# boot NAME GUEST_MODE [vm-rootfs-run options]: sets brc
	local name=$1 mode=$2; shift 2
	local files=() f
	for f in "$in"/*; do files+=(-f "$f"); done
	brc=0
	scripts/vm-rootfs-run.sh -r "$image" -m "$mem" -s 2 -t "$timeout_s" -o "$work/$name" \
		"${files[@]}" "$@" "$here/guest.sh" "$mode" 2>"$work/$name.err" || brc=$?
}
rc_is() {	# rc_is OUTDIR STEP WANT: the step's exit code
	local got
	got=$(cat "$1/$2.rc" 2>/dev/null || echo none)
	[ "$got" = "$3" ] || { echo "$2: exit $got, expected $3"; tail -n 15 "$1/$2.txt" 2>/dev/null; return 1; }
}
refused() {	# refused OUTDIR STEP: a refused `make bench`: make exits 2 and names bench.sh's exit 3
	rc_is "$1" "$2" 2 >/dev/null && grep -q 'Error 3$' "$1/$2.txt" ||
		{ echo "$2: exit $(cat "$1/$2.rc" 2>/dev/null), expected make's 2 with 'Error 3'"; tail -n 8 "$1/$2.txt" 2>/dev/null; return 1; }
}
says() {	# says OUTDIR STEP REGEX...: the step's output matches every extended regex
	local f=$1/$2.txt r; shift 2
	for r in "$@"; do grep -qiE -- "$r" "$f" 2>/dev/null || { echo "no /$r/ in $(basename "$f"):"; tail -n 8 "$f" 2>/dev/null; return 1; }; done
}
metav() { awk -F, -v k="$2" '$1 == k { sub(/^[^,]*,/, ""); print; exit }' "$1/meta.csv"; }
meta_is() {	# meta_is RUN KEY VALUE
	local v; v=$(metav "$1" "$2")
	[ "$v" = "$3" ] || { echo "meta.csv: $2=$v, expected $3"; return 1; }
}
no_module() { ! grep -q '^allocbench ' "$1" || { echo "allocbench still in $(basename "$1"):"; grep '^allocbench ' "$1"; return 1; }; }
dmesg_clean() {
	! grep -E 'WARNING:|BUG:|Oops|Call Trace|page allocation failure|general protection|oom-kill' "$1" ||
		{ echo "(lines above are from $1)"; return 1; }
}
same() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -n 10; return 1; }; }
same_runs() {	# the results/ listing after a refused run is the one before, which holds the two runs
	[ "$(grep -c -- '-6\.12\.' "$1")" -ge 2 ] || { echo "the listing before holds no runs:"; cat "$1"; return 1; }
	same "$1" "$2"
}
complete_run() {	# complete_run RUN FILE...: a finished results folder
	local d=$1 f; shift
	[ -d "$d" ] || { echo "no results folder came back"; return 1; }
	for f in config.conf meta.csv report.md "$@"; do [ -s "$d/$f" ] || { echo "missing $f"; return 1; }; done
	[ -z "$(find "$d" -name '*.tmp*' -o -name '.*.tmp*')" ] || { echo "temporary files left:"; find "$d" -name '*.tmp*'; return 1; }
	ls "$d"/charts/*.svg >/dev/null 2>&1 || { echo "no charts/*.svg"; return 1; }
}
step_times() {	# "name=Ns ..." from steps.tsv
	awk -F'\t' '{ printf "%s%s=%ss", sep, $1, $3; sep = " " }' "$1/steps.tsv" 2>/dev/null
}

# ---- boot 1: make bench as a user would -----------------------------------------
t0=$(now)
echo "host-path: boot 1: make bench on $rel (TCG: compiling takes minutes)"
boot main main -c init_on_alloc=0
o=$work/main
times+=("boot1=$(( $(now) - t0 ))s")
if [ $brc = 0 ]; then
	pass "boot 1: the guest boots $rel from the disk image and runs every step ($(grep ^accelerator= "$o/vm.env" | cut -d= -f2), guest script after $(grep ^boot_s= "$o/vm.env" | cut -d= -f2) s)"
else
	fail "boot 1: guest (exit $brc)"; sed 's/^/       /' "$work/main.err"; tail -n 25 "$o/console.log" 2>/dev/null | sed 's/^/       console: /'
fi
echo "host-path: boot 1 steps: $(step_times "$o")"
echo "host-path: quick: $(cat "$o/quick-breakdown.txt" 2>/dev/null)"
t "tree: cloned from a bundle of HEAD with the working tree on top" rc_is "$o" setup 0
t "guest: uname -r has /lib/modules/\$(uname -r)/build from linux-headers-$rel, no network" \
	bash -c "grep -q 'build: .*-> /usr/src/linux-headers-$rel' '$o/facts.txt' && grep -q 'headers package: linux-headers-$rel ' '$o/facts.txt' && grep -qx 'network interfaces: lo ' '$o/facts.txt' || { cat '$o/facts.txt'; exit 1; }"
t "install-deps.sh --check: everything present, silent, offline" bash -c "[ \"\$(cat '$o/deps-check.rc')\" = 0 ] && [ ! -s '$o/deps-check.txt' ] || { cat '$o/deps-check.txt'; exit 1; }"

q=$o/quick
t "quick: make bench (TARGET unset) exits 0" rc_is "$o" quick 0
t "quick: auto chooses host and says why" says "$o" quick '^bench: target: host \(kernel .*can load modules'
t "quick: runner and module built in the guest" says "$o" built 'runner/allocbench' 'module/allocbench\.ko' 
t "quick: complete results folder (config, meta, CSV, report, charts; no temporary files)" \
	complete_run "$q" latency.csv access.csv mapping.csv uaccess.csv
t "quick: meta.csv target=host, kernel $rel, git revision $host_rev" \
	bash -c "$(declare -f metav meta_is); meta_is '$q' target host && meta_is '$q' kernel_release '$rel' && meta_is '$q' git_revision '$host_rev'"
if grep -q '^accelerator=tcg' "$o/vm.env" 2>/dev/null; then
	t "quick: meta.csv: a TCG guest says emulated=yes, accelerator=tcg, virtualization=qemu" \
		bash -c "$(declare -f metav meta_is); meta_is '$q' emulated yes && meta_is '$q' accelerator tcg && meta_is '$q' virtualization qemu"
else
	t "quick: meta.csv: a KVM guest says emulated=no, virtualization=kvm" \
		bash -c "$(declare -f metav meta_is); meta_is '$q' emulated no && meta_is '$q' virtualization kvm"
fi
t "quick: latency.csv invariants" python3 "$integ/check.py" latency "$q" configs/quick.conf /nonexistent "$points"
t "quick: access.csv and mapping.csv checks" sh "$integ/access-checks.sh" "$q"
t "quick: charts rendered in the guest (SVG well-formed, every allocator named, PNG twins) and report.md" \
	python3 "$integ/check.py" charts "$q"
t "quick: module unloaded afterwards" no_module "$o/quick-modules.txt"

l=$o/limits
t "limits: make bench TARGET=host exits 0" rc_is "$o" limits 0
t "limits: complete results folder" complete_run "$l" probe.csv
t "limits: meta.csv target=host" bash -c "$(declare -f metav meta_is); meta_is '$l' target host"
t "limits: probe (kmalloc = KMALLOC_MAX_SIZE, order 10, vmalloc above, formula)" bash "$integ/limits-checks.sh" "$l" 6.12
t "limits: charts and report.md" python3 "$integ/check.py" charts "$l"
t "limits: module unloaded afterwards" no_module "$o/limits-modules.txt"

t "older build: one whose INFO answers ABI 99, loaded (insmod)" rc_is "$o" old-build 0
t "older build: make bench (auto) refused (make: Error 3)" refused "$o" abi-auto
t "older build: make bench says another build is loaded, both ABIs, and how to unload" \
	says "$o" abi-auto 'another build is already loaded' 'module ABI 99, runner ABI 1' 'unload'
t "older build: scripts/bench.sh TARGET=host exits 3, same message" \
	bash -c "$(declare -f rc_is says); rc_is '$o' abi-host 3 && says '$o' abi-host 'another build is already loaded' 'ABI 99' 'unload'"
t "older build: allocbench load exits 3 and says to unload the other build" \
	bash -c "$(declare -f rc_is says); rc_is '$o' abi-load 3 && says '$o' abi-load 'ABI 99' 'already loaded from another build' 'unload'"
t "older build: left loaded, untouched (not ours to unload)" \
	bash -c "$(declare -f same); grep -qE '^ *[0-9a-f]{2} ' '$o/old-id.txt' && same '$o/old-id.txt' '$o/old-id-after.txt' || cat '$o/old-id.txt'"
t "older build: no results written" same_runs "$o/results-before.txt" "$o/results-after-abi.txt"

t "not root: make bench (auto) refused (make: Error 3), says root, sudo and TARGET=vm" \
	bash -c "$(declare -f rc_is refused says); refused '$o' notroot-auto && says '$o' notroot-auto 'needs root' 'sudo make bench' 'TARGET=vm'"
t "not root: scripts/bench.sh TARGET=host exits 3 and says root" \
	bash -c "$(declare -f rc_is says); rc_is '$o' notroot-host 3 && says '$o' notroot-host 'needs root'"
t "not root: allocbench load exits 3 and says root" \
	bash -c "$(declare -f rc_is says); rc_is '$o' notroot-load 3 && says '$o' notroot-load 'not root'"
t "not root: nothing written in the user's tree" bash -c "[ -f '$o/notroot-auto.rc' ] && [ -f '$o/notroot-changed.txt' ] && [ ! -s '$o/notroot-changed.txt' ] || { cat '$o/notroot-changed.txt'; exit 1; }"

t "no headers: make bench TARGET=host refused (make: Error 3), names the package linux-headers-$rel" \
	bash -c "$(declare -f rc_is refused says); refused '$o' noheaders-make && says '$o' noheaders-make 'apt-get install linux-headers-$rel_re'"
t "no headers: scripts/bench.sh TARGET=host exits 3, same message" \
	bash -c "$(declare -f rc_is says); rc_is '$o' noheaders-host 3 && says '$o' noheaders-host 'install the package linux-headers-$rel_re'"
t "no headers: make module says so" says "$o" noheaders-module 'no headers'
t "no results written by any refused run" same_runs "$o/results-before.txt" "$o/results-after.txt"

t "this build already loaded: make bench uses it and leaves it loaded" \
	bash -c "$(declare -f rc_is says); rc_is '$o' same-load 0 && rc_is '$o' same-bench 0 && says '$o' same-bench 'already loaded from this very build' && grep -q '^allocbench ' '$o/same-modules.txt' && rc_is '$o' same-unload 0"
t "boot 1: module not loaded at the end" no_module "$o/end-modules.txt"
t "boot 1: dmesg has no WARNING/BUG/Oops/Call Trace/allocation failure/OOM" dmesg_clean "$o/dmesg.txt"
rm -rf "$in/tree.bundle" "$in/tree.tar" "$in/deleted.txt"
[ -f "$o/carry/tree-built.tar" ] && mv "$o/carry/tree-built.tar" "$in/carry/"

# ---- boot 2: lockdown=integrity ----------------------------------------------------
t0=$(now)
echo "host-path: boot 2: lockdown=integrity"
if [ -f "$in/carry/tree-built.tar" ]; then
	boot lockdown lockdown -c lockdown=integrity
	d=$work/lockdown
	times+=("boot2=$(( $(now) - t0 ))s")
	if [ $brc = 0 ]; then pass "boot 2: the guest boots with lockdown=integrity"; else
		fail "boot 2: guest (exit $brc)"; sed 's/^/       /' "$work/lockdown.err"; tail -n 25 "$d/console.log" 2>/dev/null | sed 's/^/       console: /'; fi
	echo "host-path: boot 2 steps: $(step_times "$d")"
	t "lockdown: the guest kernel is locked down" bash -c "grep -q 'lockdown: .*\[integrity\]' '$d/facts.txt' || { grep lockdown '$d/facts.txt'; exit 1; }"
	t "lockdown: make bench TARGET=host refused (make: Error 3), names lockdown and MOK signing" \
		bash -c "$(declare -f rc_is refused says); refused '$d' lockdown-make && says '$d' lockdown-make 'locked down \(lockdown=integrity' 'Machine Owner Key' 'mokutil' 'ALLOCBENCH_SIGN_KEY'"
	t "lockdown: scripts/bench.sh TARGET=host exits 3, same message" \
		bash -c "$(declare -f rc_is says); rc_is '$d' lockdown-host 3 && says '$d' lockdown-host 'locked down \(lockdown=integrity' 'MOK'"
	t "lockdown: make bench (auto) says why it falls back to the VM" \
		says "$d" lockdown-auto-choice '^bench: target: vm \(the kernel is locked down.*MOK'
	t "lockdown: allocbench load of an unsigned module exits 3, names lockdown and MOK" \
		bash -c "$(declare -f rc_is says); rc_is '$d' lockdown-load 3 && says '$d' lockdown-load 'locked down \(lockdown=integrity' 'Machine Owner Key \(MOK'"
	if [ -f "$in/test-key.priv" ]; then
		t "lockdown: make bench with ALLOCBENCH_SIGN_KEY signs a copy, the kernel refuses the untrusted key: exit 3, says to enroll it" \
			bash -c "$(declare -f rc_is says); rc_is '$d' lockdown-signed-bench 3 && says '$d' lockdown-signed-bench 'locked down' 'signed with .*test-key.der' 'mokutil --import' && [ \$(wc -c < '$d/unsigned-tail.txt') = 28 ] && ! grep -q 'Module signature appended' '$d/unsigned-tail.txt'"
		t "lockdown: allocbench load of a module signed with an untrusted key (sign-file): exit 3, names lockdown and MOK" \
			bash -c "$(declare -f rc_is says); rc_is '$d' lockdown-sign-file 0 && grep -q '~Module signature appended~' '$d/signed-tail.txt' && rc_is '$d' lockdown-load-signed 3 && says '$d' lockdown-load-signed 'locked down' 'MOK'"
	fi
	t "lockdown: nothing written, nothing loaded" \
		bash -c "$(declare -f no_module same); no_module '$d/end-modules.txt' && same '$d/results-before.txt' '$d/results-after.txt'"
	t "lockdown: dmesg names the refusal, no WARNING/BUG/Oops" \
		bash -c "$(declare -f dmesg_clean); grep -q 'Lockdown: allocbench: unsigned module loading is restricted' '$d/dmesg.txt' && dmesg_clean '$d/dmesg.txt'"
else
	fail "boot 2: the tree built in boot 1 did not come back to test lockdown with"
fi
times+=("total=$(( $(now) - T0 ))s")
finish
