#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of a v2m report: scores a shared clip (or the
# bundled sample when ../shared is absent) and photographs its report in headless Chromium.
# Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
clip=../shared/media/bbb-opening-30s.mp4
[ -f "$clip" ] || clip=samples/bbb-180p-10s.webm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run --silent build
node dist/cli/main.js score "$clip" -o "$out/scored.mp4" -q
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --mute-audio --window-size=1100,1360 \
  --screenshot="$PWD/docs/report.png" "file://$out/scored.report.html" 2>/dev/null
echo "wrote docs/report.png from $clip"
