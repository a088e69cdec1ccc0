#!/usr/bin/env bash
# Print the uncompressed ELF vmlinux held inside a bzImage.
# QEMU boots it directly through PVH, which saves seconds of emulated
# decompression under TCG.
set -euo pipefail
img=$1
try() {	# $1 = magic as hex, $2 = decompressor
	local off
	for off in $(LC_ALL=C grep -obUaP "$1" "$img" | cut -d: -f1); do
		tail -c +"$((off + 1))" "$img" | $2 2>/dev/null > "$tmp" || true
		if [ "$(head -c4 "$tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
			cat "$tmp"
			return 0
		fi
	done
	return 1
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
try '\xfd\x37\x7a\x58\x5a\x00' 'xz -dc' ||
try '\x28\xb5\x2f\xfd' 'zstd -dcq' ||
{ echo "extract-vmlinux: no xz or zstd vmlinux in $img" >&2; exit 1; }
