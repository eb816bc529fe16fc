#!/usr/bin/env bash
# Refresh or check the dashboard's vendored @noble/hashes (HMAC-SHA256, SHA-256 and MD5 in
# plain JavaScript, for pages that are not a secure context and for Content-MD5).
#
#   internal/ui/vendor.sh          install the version package-lock.json pins (npm ci, which
#                                  checks the registry's integrity hash) and copy the files
#                                  the dashboard imports into static/vendor/noble-hashes
#   internal/ui/vendor.sh --check  the same into a temporary directory, then fail if the
#                                  committed copy differs from it (needs the npm registry)
#
# The files are served as they are: ES modules, no build step.
set -euo pipefail
cd "$(dirname "$0")"
files=(hmac.js sha2.js legacy.js utils.js _md.js _u64.js LICENSE)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp package.json package-lock.json "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --silent)
src="$work/node_modules/@noble/hashes"
dst=static/vendor/noble-hashes
version="$(node -p 'require(process.argv[1]).version' "$src/package.json")"
if [[ "${1:-}" == --check ]]; then
	status=0
	for f in "${files[@]}"; do
		out="$f"; [[ "$f" == LICENSE ]] && out=LICENSE.txt
		cmp -s "$src/$f" "$dst/$out" || { echo "vendor.sh: $dst/$out differs from @noble/hashes $version" >&2; status=1; }
	done
	[[ "$(cat "$dst/VERSION.txt")" == "$version" ]] || { echo "vendor.sh: $dst/VERSION.txt is not $version" >&2; status=1; }
	[[ $status == 0 ]] && echo "vendor.sh: static/vendor/noble-hashes is @noble/hashes $version as the lockfile pins"
	exit $status
fi
rm -rf "$dst" && mkdir -p "$dst"
for f in "${files[@]}"; do
	out="$f"; [[ "$f" == LICENSE ]] && out=LICENSE.txt
	cp "$src/$f" "$dst/$out"
done
echo "$version" > "$dst/VERSION.txt"
echo "vendor.sh: copied @noble/hashes $version into $dst"
