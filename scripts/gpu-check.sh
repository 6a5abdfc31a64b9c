#!/usr/bin/env bash
# The conformance suite on a GPU machine, from the source tree (no install, no package index).
#
#   scripts/gpu-check.sh [--device cpu,meta,cuda] [--out DIR] [--jobs N] [--timeout S]
#
# Needs python3 with torch (a CUDA build), numpy, pytest, hypothesis, pytest-xdist and
# pytest-timeout. pytest-html (and pytest-metadata) may travel as wheels in .whl/ at the
# repository root; they are installed into a temporary folder when missing.
#
# Runs `python -m conformance run` in the ci profile (derandomized: the programs are those of
# every other ci run) on the given devices -- by default the CPU and meta columns beside CUDA, so
# that a CUDA difference can be told from a difference of this torch release -- then the CUDA
# probe (scripts/cuda_probe.py: device-side asserts, each in a process of its own, and the
# facts the model's CUDA rules rest on). Writes DIR/results.json, DIR/index.html,
# DIR/pytest-report.html, DIR/probe.json and DIR/run.log; prints the GPU's name, the torch, CUDA
# and driver versions and the verdict counts per device.
#
# Dry run on a machine without a GPU: scripts/gpu-check.sh --device meta --out /tmp/gpu-dry
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEVICES="cpu,meta,cuda"
OUT_DIR="${OUT:-$ROOT/reports}/gpu"
JOBS="$(nproc 2>/dev/null || echo 2)"
TIMEOUT=240
PY="${PYTHON:-python3}"

while [ $# -gt 0 ]; do
    case "$1" in
        --device) DEVICES="$2"; shift 2 ;;
        --out) OUT_DIR="$2"; shift 2 ;;
        --jobs) JOBS="$2"; shift 2 ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "gpu-check: unknown argument $1" >&2; exit 2 ;;
    esac
done

if ! "$PY" -c "import pytest_html" 2>/dev/null; then
    if ls "$ROOT"/.whl/*.whl >/dev/null 2>&1; then
        "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
            --target /tmp/gpu-check-site "$ROOT"/.whl/*.whl \
            || { echo "gpu-check: cannot install the wheels in .whl/" >&2; exit 2; }
        export PYTHONPATH="/tmp/gpu-check-site${PYTHONPATH:+:$PYTHONPATH}"
    else
        echo "gpu-check: pytest-html is missing and .whl/ holds no wheels; the run goes on" \
             "without pytest-report.html" >&2
    fi
fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
mkdir -p "$OUT_DIR" || exit 2

echo "== machine"
"$PY" - <<'PY'
import platform, torch, numpy
print(f"python {platform.python_version()}, torch {torch.__version__} (CUDA "
      f"{torch.version.cuda}), numpy {numpy.__version__}")
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    print(f"GPU: {torch.cuda.get_device_name(0)}, capability {p.major}.{p.minor}, "
          f"{p.total_memory / 2**30:.0f} GiB, {torch.cuda.device_count()} device(s)")
else:
    print("GPU: none (torch.cuda.is_available() is False)")
PY
if command -v nvidia-smi >/dev/null 2>&1; then
    echo "driver: $(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)"
fi

echo "== conformance run (ci profile, devices $DEVICES, $JOBS workers)"
start=$(date +%s)
"$PY" -m conformance run --profile ci --device "$DEVICES" --jobs "$JOBS" \
    --timeout "$TIMEOUT" --out "$OUT_DIR" 2>&1 | tee "$OUT_DIR/run.log" | grep -v '^[.sFEx]*\( *\[ *[0-9]*%\]\)\?$'
status=${PIPESTATUS[0]}
echo "conformance run: exit status $status in $(( $(date +%s) - start )) s"

case ",$DEVICES," in
    *,cuda*) probe_device=cuda ;;
    *) probe_device=cpu ;;
esac
echo "== CUDA probe (on $probe_device)"
"$PY" "$ROOT/scripts/cuda_probe.py" --device "$probe_device" --out "$OUT_DIR/probe.json"

echo "== verdicts"
"$PY" - "$OUT_DIR/results.json" <<'PY'
import json, sys
from collections import Counter
try:
    doc = json.load(open(sys.argv[1]))
except OSError as e:
    sys.exit(f"no results file: {e}")
env = doc["environment"]
print(f"torch {env.get('torch')}, CUDA {env.get('cuda')}, driver {env.get('cuda_driver')}, "
      f"devices {env.get('device_names')}")
by_device = {}
for r in doc["results"]:
    by_device.setdefault(r["device"], Counter())[r["verdict"]] += 1
for device, counts in by_device.items():
    print(f"claims on {device}: " + ", ".join(f"{v} {n}" for v, n in sorted(counts.items())))
tests = Counter((t.get("device"), t.get("verdict")) for t in doc["tests"])
for device in by_device:
    print(f"tests on {device}: " + ", ".join(
        f"{v} {n}" for (d, v), n in sorted(tests.items(), key=str) if d == device))
PY
exit $status
