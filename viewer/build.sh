#!/usr/bin/env bash
# Rebuilds src/dancekit/serve/static/three.min.js, the WebGL library of `dancekit serve`, from the npm
# registry: three.js and esbuild at the pinned versions, the exports of entry.js only,
# minified as one ES module. Needs node and npm; the output is committed, so installing
# dancekit needs neither.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/dancekit/serve/static/three.min.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --save-exact three@0.187.0 esbuild@0.28.2 >/dev/null
npx esbuild entry.js --bundle --minify --format=esm --legal-comments=eof \
  --outfile="$out"
echo "wrote $(wc -c < "$out") bytes to static/three.min.js"
