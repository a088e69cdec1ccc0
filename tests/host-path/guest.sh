# tests/host-path, guest side: bash, as root, in the folder that goes back to
# the host, on a full Debian 12 system booted by scripts/vm-rootfs-run.sh.
#
#   guest.sh main       $ALLOCBENCH_IN holds tree.bundle (HEAD of the tree under
#                       test), tree.tar (its working-tree files on top) and
#                       deleted.txt (tracked files deleted): make bench as a user
#                       would, then the user cases. The built tree goes back as
#                       carry/tree-built.tar.
#   guest.sh lockdown   (booted with lockdown=integrity) $ALLOCBENCH_IN holds
#                       carry/tree-built.tar, the tree as boot 1 left it (the
#                       same machine, rebooted) and test-key.{priv,der}
#
# Every step: STEP.txt (its output), STEP.rc (exit code), STEP.s (seconds);
# steps.tsv lists them in order. The host checks everything. Refusals are
# tried through `make bench` (make exits 2, saying "Error 3") and through
# scripts/bench.sh, what make bench runs (exit 3).
mode=${1:-main}
out=$(pwd)
in=$ALLOCBENCH_IN
src=/root/allocbench
krel=$(uname -r)
ko=build/$krel/module/allocbench.ko
export LANG=C.UTF-8 TERM=dumb
unset TARGET CONFIG KERNEL OUT

log() { echo "host-path guest: $*"; }
step() {	# step NAME CMD...: runs in $src (once it exists)
	local name=$1 t0 rc dir=/; shift
	[ -d "$src" ] && dir=$src
	log "step $name: $*"
	t0=$(date +%s.%N)
	(cd "$dir" && "$@") > "$out/$name.txt" 2>&1 < /dev/null
	rc=$?
	echo $rc > "$out/$name.rc"
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$out/$name.s"
	printf '%s\t%s\t%s\n' "$name" "$rc" "$(cat "$out/$name.s")" >> "$out/steps.tsv"
	log "step $name: exit $rc in $(cat "$out/$name.s") s"
	tail -n 3 "$out/$name.txt" | sed 's/^/    /'
	return 0
}
# The results folder as it stands (to prove a refused run wrote nothing).
snapshot() { (cd "$src" && { ls -la --time-style=full-iso results 2>/dev/null; readlink results/latest 2>/dev/null; }) > "$out/$1"; }
bench() { env "$@" scripts/bench.sh; }	# bench VAR=VALUE...: what make bench runs

setup_clone() {
	rm -rf "$src"
	git clone -q "$in/tree.bundle" "$src" &&
	tar xf "$in/tree.tar" -C "$src" &&
	(cd "$src" && { [ ! -s "$in/deleted.txt" ] || tr '\n' '\0' < "$in/deleted.txt" | xargs -0 rm -f --; } &&
		git status --short | head -n 50)
}
facts() {
	echo "uname: $(uname -a)"
	echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "build: $(ls -ld "/lib/modules/$krel/build" 2>&1)"
	echo "headers package: $(dpkg-query -W -f='${Package} ${Version}' "linux-headers-$krel" 2>&1)"
	echo "virt: $(systemd-detect-virt 2>&1)"
	echo "lockdown: $(cat /sys/kernel/security/lockdown 2>&1)"
	echo "cmdline: $(cat /proc/cmdline)"
	echo "cpus: $(nproc)"
	free -m
	echo "network interfaces: $(ls /sys/class/net | tr '\n' ' ')"
}

if [ "$mode" = main ]; then
	step setup setup_clone
	step facts facts
	# install-deps must find everything (the guest has no network at all).
	step deps-check scripts/install-deps.sh --check

	# 1. The user's first command: TARGET unset must choose host.
	q0=$(date +%s)
	step quick make bench CONFIG=configs/quick.conf
	printf '%s\t%s\n' "$q0" "$(date +%s)" > "$out/quick.t0"
	cat /proc/modules > "$out/quick-modules.txt"
	latest=$(cd "$src" && readlink -f results/latest)
	[ -d "$latest" ] && cp -a "$latest" "$out/quick"
	step built ls -l runner/allocbench "$ko"
	# Where the quick run's time went: build outputs' times against the step's start.
	(cd "$src" && t0=$(cut -f1 "$out/quick.t0") &&
		r0=$(stat -c %Y build/runner/*.o | sort -n | head -n1) && r1=$(stat -c %Y runner/allocbench) &&
		m0=$(stat -c %Y "build/$krel/module/"*.o | sort -n | head -n1) && m1=$(stat -c %Y "$ko") &&
		echo "runner_build_s=$((r1 - t0)) module_build_s=$((m1 - r1)) run_and_report_s=$(( $(cut -f2 "$out/quick.t0") - m1 ))" \
	) > "$out/quick-breakdown.txt" 2>&1
	# 2. The limits probe, on the host target explicitly.
	step limits make bench TARGET=host CONFIG=configs/limits.conf
	cat /proc/modules > "$out/limits-modules.txt"
	latest2=$(cd "$src" && readlink -f results/latest)
	[ -d "$latest2" ] && [ "$latest2" != "$latest" ] && cp -a "$latest2" "$out/limits"
	snapshot results-before.txt

	# 3. An older build already loaded, whose INFO answers another ABI version:
	#    built in place from an edited main.c, as from an older checkout.
	cp -p "$src/bench-module/main.c" /root/main.c.orig
	sed -i 's/info\.abi_version = ALLOCBENCH_ABI_VERSION;/info.abi_version = 99;/' "$src/bench-module/main.c"
	step old-build bash -c "grep -q 'info.abi_version = 99;' bench-module/main.c && k=\$(scripts/build-module.sh /lib/modules/$krel/build) &&
		cp \"\$k\" /root/old.ko && insmod /root/old.ko && cat /sys/module/allocbench/srcversion"
	cp /root/main.c.orig "$src/bench-module/main.c"	# this build again: newer than its object
	od -An -v -tx1 /sys/module/allocbench/notes/.note.gnu.build-id > "$out/old-id.txt" 2>&1
	step abi-auto make bench CONFIG=configs/quick.conf
	step abi-host bench TARGET=host CONFIG=configs/quick.conf
	step abi-load runner/allocbench load "$ko"
	od -An -v -tx1 /sys/module/allocbench/notes/.note.gnu.build-id > "$out/old-id-after.txt" 2>&1
	step old-unload rmmod allocbench
	snapshot results-after-abi.txt

	# 4. Not root: a user with their own copy of the tree.
	rm -rf /home/user/allocbench && cp -a "$src" /home/user/allocbench && chown -R user:user /home/user/allocbench
	touch /tmp/before-user; sleep 1
	user() { runuser -u user -- bash -c "cd /home/user/allocbench && $*"; }
	step notroot-auto user make bench CONFIG=configs/quick.conf
	step notroot-host user TARGET=host CONFIG=configs/quick.conf scripts/bench.sh
	step notroot-load user runner/allocbench load "$ko"
	find /home/user/allocbench -newer /tmp/before-user > "$out/notroot-changed.txt" 2>&1 ||
		echo "find failed" >> "$out/notroot-changed.txt"

	# 5. No headers for the running kernel (the link their package ships, moved away).
	mv "/lib/modules/$krel/build" "/lib/modules/$krel/build.moved"
	step noheaders-make make bench TARGET=host CONFIG=configs/quick.conf
	step noheaders-host bench TARGET=host CONFIG=configs/quick.conf
	step noheaders-module make module
	mv "/lib/modules/$krel/build.moved" "/lib/modules/$krel/build"
	snapshot results-after.txt

	# 6. This very build already loaded (by hand): make bench uses it and leaves it loaded.
	printf '[run]\nname = tiny\niterations = 50\nmin_samples = 5\ntime_budget_ms = 10\nwarmup = 10\n\n[latency]\nallocators = kmalloc\nops = pair\nsizes = 4K\n' > /root/tiny.conf
	step same-load runner/allocbench load "$ko"
	step same-bench make bench TARGET=host CONFIG=/root/tiny.conf
	cat /proc/modules > "$out/same-modules.txt"
	step same-unload runner/allocbench unload
	cat /proc/modules > "$out/end-modules.txt"

	# For the lockdown boot: the tree as built here.
	mkdir -p "$out/carry"
	tar cf "$out/carry/tree-built.tar" -C /root allocbench
else
	# Booted with lockdown=integrity: nothing may load unsigned. The tree is
	# the one boot 1 built (same machine, rebooted).
	step setup tar xf "$in/carry/tree-built.tar" -C /root
	step facts facts
	snapshot results-before.txt
	step lockdown-make make bench TARGET=host CONFIG=configs/quick.conf
	step lockdown-host bench TARGET=host CONFIG=configs/quick.conf
	step lockdown-auto-choice bash -c "timeout 20 make bench CONFIG=configs/quick.conf; true"
	step lockdown-load runner/allocbench load "$ko"
	# Signed with a key the kernel does not trust (a real user's would be an enrolled MOK).
	if [ -f "$in/test-key.priv" ]; then
		step lockdown-signed-bench bench TARGET=host CONFIG=configs/quick.conf \
			ALLOCBENCH_SIGN_KEY="$in/test-key.priv" ALLOCBENCH_SIGN_CERT="$in/test-key.der"
		tail -c 28 "$src/$ko" > "$out/unsigned-tail.txt"
		cp "$src/$ko" /root/signed.ko
		step lockdown-sign-file "/lib/modules/$krel/build/scripts/sign-file" sha256 \
			"$in/test-key.priv" "$in/test-key.der" /root/signed.ko
		tail -c 28 /root/signed.ko > "$out/signed-tail.txt"
		step lockdown-load-signed runner/allocbench load /root/signed.ko
	fi
	snapshot results-after.txt
	cat /proc/modules > "$out/end-modules.txt"
fi
exit 0
