#!/usr/bin/env bash
# The d3-flame-graph files a deep dive's flame graphs are made with, from the
# npm registry into the cache, rewritten so that the HTML they make opens
# with no network.
#
#   scripts/flamegraph-template.sh           print the template's path (installing first if needed)
#   scripts/flamegraph-template.sh --check   exit 1 (with the reason) when it is not installed
#   scripts/flamegraph-template.sh --dir     print the folder (template + diff assets)
#
# The folder, ${ALLOCBENCH_CACHE:-~/.cache/allocbench}/d3-flame-graph/:
#   npm/                      `npm install d3-flame-graph@4.1.3` (a private prefix, never global)
#   d3-flamegraph-base.html   the package's perf template, what `perf script report
#                             flamegraph --template` fills: d3 and d3-flame-graph are
#                             already inlined in it (Debian 12's linux-perf looks for it
#                             at /usr/share/d3-flame-graph/, which no Debian 12 package
#                             provides; we pass --template instead)
#   diff.js, diff.css         d3-selection, d3-flame-graph and its colour mappers, inlined
#                             by scripts/perf-diff.sh into the differential flame graph
# Every "http://" and "https://" in those files is written "http:\/\/": the same
# string to JavaScript (they are SVG/XML namespace names, which a browser never
# fetches, and one licence comment), so the HTML holds no URL at all.
#
# Version 4.1.3: d3-flame-graph 5 no longer ships the perf template.
set -euo pipefail

version=4.1.3
dir=${ALLOCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/allocbench}/d3-flame-graph
tpl=$dir/d3-flamegraph-base.html
me=flamegraph-template

installed() {
	[ -s "$tpl" ] && [ -s "$dir/diff.js" ] && [ -s "$dir/diff.css" ] &&
		[ "$(cat "$dir/version" 2>/dev/null)" = "$version" ]
}

case ${1:-} in
--check)
	installed && exit 0
	echo "$me: d3-flame-graph $version is not in $dir (scripts/install-deps.sh or $0 installs it from the npm registry)" >&2
	exit 1 ;;
--dir|"") ;;
*) echo "$me: unknown option '$1' (--check, --dir)" >&2; exit 2 ;;
esac

if ! installed; then
	command -v npm >/dev/null ||
		{ echo "$me: npm not found: install it (apt-get install npm; scripts/install-deps.sh) to fetch d3-flame-graph" >&2; exit 1; }
	work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-d3fg.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	echo "$me: npm install d3-flame-graph@$version into $dir" >&2
	if ! npm install --prefix "$work/npm" --no-audit --no-fund --loglevel=error \
		"d3-flame-graph@$version" > "$work/npm.log" 2>&1; then
		tail -n 15 "$work/npm.log" >&2
		echo "$me: npm install d3-flame-graph@$version failed (no access to the npm registry?)" >&2
		exit 1
	fi
	nm=$work/npm/node_modules
	for f in d3-flame-graph/dist/templates/d3-flamegraph-base.html d3-flame-graph/dist/d3-flamegraph.min.js \
		d3-flame-graph/dist/d3-flamegraph-colorMapper.min.js d3-flame-graph/dist/d3-flamegraph.css \
		d3-selection/dist/d3-selection.min.js; do
		[ -s "$nm/$f" ] || { echo "$me: the package has no $f" >&2; exit 1; }
	done
	grep -q '/\*\* @flamegraph_json \*\*/' "$nm/d3-flame-graph/dist/templates/d3-flamegraph-base.html" ||
		{ echo "$me: the template has no /** @flamegraph_json **/ slot: not what perf's flamegraph.py fills" >&2; exit 1; }
	unurl() { sed -e 's#https://#https:\\/\\/#g' -e 's#http://#http:\\/\\/#g' "$@"; }
	mkdir -p "$work/out"
	unurl "$nm/d3-flame-graph/dist/templates/d3-flamegraph-base.html" > "$work/out/d3-flamegraph-base.html"
	# Order matters: d3-flamegraph sets window.flamegraph, the colour mappers hang under it.
	{
		unurl "$nm/d3-selection/dist/d3-selection.min.js"; echo
		unurl "$nm/d3-flame-graph/dist/d3-flamegraph.min.js"; echo
		unurl "$nm/d3-flame-graph/dist/d3-flamegraph-colorMapper.min.js"; echo
	} > "$work/out/diff.js"
	cp "$nm/d3-flame-graph/dist/d3-flamegraph.css" "$work/out/diff.css"
	if grep -lE 'https?://' "$work/out"/*; then
		echo "$me: the files above still hold a URL after the rewrite" >&2
		exit 1
	fi
	grep -E '"version"' "$nm/d3-flame-graph/package.json" | head -n1 | grep -q "\"$version\"" ||
		{ echo "$me: npm installed another version than $version" >&2; exit 1; }
	echo "$version" > "$work/out/version"
	mkdir -p "$(dirname "$dir")"
	rm -rf "$dir.new"
	mkdir -p "$dir.new"
	cp -r "$work/npm" "$dir.new/npm"
	cp "$work/out"/* "$dir.new/"
	rm -rf "$dir.old"
	[ -d "$dir" ] && mv "$dir" "$dir.old"
	mv "$dir.new" "$dir"
	rm -rf "$dir.old"
fi
if [ "${1:-}" = --dir ]; then echo "$dir"; else echo "$tpl"; fi
