#!/bin/bash
# make demo: installs what it needs, then runs the demo in QEMU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/../deps.sh"
"$here/setup.sh"
exec python3 "$here/demo.py" "$@"
