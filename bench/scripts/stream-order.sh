#!/usr/bin/env bash
# Issue #16 item 3: what putting the streamed epoch back in plan order costs. Two builds of the CLI (before: the
# trainer took clips in arrival order; after: the plan order and its window) run the same `run` pipeline side by
# side, rounds alternating: cold (empty cache and checkpoints: tracking and training at once) and warm (the cache
# full, checkpoints empty: every clip a hit). Prints a Markdown table of run.json's elapsed seconds and the train
# stage's starved share, and the ratio after ÷ before of the medians.
# Usage: bench/scripts/stream-order.sh BEFORE_DLL AFTER_DLL [VIDEOS=24] [ROUNDS=3] [WORK=/tmp/mosic-order]
set -euo pipefail
before="$(realpath "$1")" after="$(realpath "$2")"
videos="${3:-24}" rounds="${4:-3}" work="$(realpath -m "${5:-/tmp/mosic-order}")"
mkdir -p "$work"
if [[ ! -f "$work/corpus/.done-$videos" ]]; then
  rm -rf "$work/corpus"
  dotnet "$after" synth --out "$work/corpus" --videos "$videos" --frames 48 --width 160 --height 120 --seed 5 >/dev/null 2>&1
  touch "$work/corpus/.done-$videos"
fi

pipeline() { # BUILD
  cat > "$work/$1.json" <<JSON
{
  "name": "order-$1",
  "corpus": { "root": "$work/corpus/videos", "include": ["*.mp4"] },
  "decode": { "fps": 24, "resize": "stretch", "width": 112, "height": 112 },
  "clips": { "framesPerClip": 8, "stride": 2, "clipsPerVideo": 2 },
  "tracker": { "name": "lk", "grid": 16, "batchSize": 4 },
  "cache": { "dir": "$work/cache-$1" },
  "trainer": { "model": "tiny", "imageSize": 112, "batchSize": 4, "epochs": 1, "shuffleClips": 8, "checkpointDir": "$work/ckpt-$1" },
  "runtime": { "device": "cpu", "threads": { "decodeWorkers": 2, "ffmpegThreads": 1, "tracker": 1, "torch": 1 } }
}
JSON
}

# One `run`: prints "elapsed starved-share".
timed() { # BUILD LABEL
  local dll="${!1}"
  (cd "$work" && dotnet "$dll" run "$work/$1.json" --report "$work/$2.json" > "$work/$2.log" 2>&1) || { echo "$2 failed: $(tail -3 "$work/$2.log")" >&2; exit 1; }
  python3 - "$work/$2.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = next(s for s in r["stages"] if s["name"] == "train")
span = t["busySeconds"] + t["starvedSeconds"] + t["blockedSeconds"]
print(f'{r["elapsedSeconds"]:.2f} {100 * t["starvedSeconds"] / span:.1f}')
PY
}

declare -A results
for build in before after; do pipeline "$build"; done
for ((r = 1; r <= rounds; r++)); do
  order=(before after); ((r % 2 == 0)) && order=(after before)
  for build in "${order[@]}"; do
    rm -rf "$work/cache-$build" "$work/ckpt-$build"
    results[$build-cold]+="$(timed "$build" "$build-cold-$r");"
    rm -rf "$work/ckpt-$build"
    results[$build-warm]+="$(timed "$build" "$build-warm-$r");"
  done
done

echo "| build | cache | run.json elapsed s per round | median | train starved % per round |"
echo "|---|---|---|---:|---|"
for kind in cold warm; do
  for build in before after; do
    python3 - "$build" "$kind" "${results[$build-$kind]}" <<'PY'
import statistics, sys
rows = [r.split() for r in sys.argv[3].split(';') if r]
e = [float(a) for a, _ in rows]; s = [b for _, b in rows]
print(f'| {sys.argv[1]} | {sys.argv[2]} | {", ".join(f"{x:.2f}" for x in e)} | {statistics.median(e):.2f} | {", ".join(s)} |')
PY
  done
done
for kind in cold warm; do
  python3 - "$kind" "${results[before-$kind]}" "${results[after-$kind]}" <<'PY'
import statistics, sys
med = lambda v: statistics.median(float(r.split()[0]) for r in v.split(';') if r)
print(f'{sys.argv[1]}: after ÷ before (medians) = {med(sys.argv[3]) / med(sys.argv[2]):.3f}')
PY
done
