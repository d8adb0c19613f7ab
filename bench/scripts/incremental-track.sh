#!/usr/bin/env bash
# Issue #17 item 2: what a `track` rerun costs over a fully cached corpus, and after adding videos, for two builds
# of the CLI side by side on the same corpus (e.g. the commit before #17 and now). Prints a Markdown table.
# Usage: bench/scripts/incremental-track.sh BEFORE_DLL AFTER_DLL [VIDEOS=100] [ADDED=10] [WORK=/tmp/mosic-incremental]
set -euo pipefail
before="$(realpath "$1")" after="$(realpath "$2")"
videos="${3:-100}" added="${4:-10}" work="$(realpath -m "${5:-/tmp/mosic-incremental}")"
rm -rf "$work/run" && mkdir -p "$work/run"
if [[ ! -f "$work/all/.done-$((videos + added))" ]]; then
  rm -rf "$work/all"
  dotnet "$after" synth --out "$work/all" --videos $((videos + added)) --frames 48 --width 160 --height 120 --seed 17 >/dev/null 2>&1
  touch "$work/all/.done-$((videos + added))"
fi
mapfile -t all < <(ls "$work/all/videos/"*.mp4 | sort)

pipeline() { # NAME CORPUS CACHE
  cat > "$work/run/$1.json" <<JSON
{
  "name": "$1",
  "corpus": { "root": "$2", "include": ["*.mp4"] },
  "decode": { "fps": 24, "resize": "stretch", "width": 224, "height": 224 },
  "clips": { "framesPerClip": 12, "stride": 2, "clipsPerVideo": 2 },
  "tracker": { "name": "lk", "grid": 16, "batchSize": 2 },
  "cache": { "dir": "$3" },
  "trainer": { "model": "tiny", "batchSize": 2, "epochs": 1, "checkpointDir": "$work/run/ckpt-$1" },
  "runtime": { "device": "cpu", "threads": { "decodeWorkers": 1, "ffmpegThreads": 1, "tracker": 1, "torch": 1 } }
}
JSON
  echo "$work/run/$1.json"
}

# One timed `track`: wall seconds, then run.json's clips tracked / cached and the decode stage's busy seconds.
timed() { # DLL PIPELINE LABEL
  local start end
  start=$(date +%s.%N)
  (cd "$work/run" && dotnet "$1" track "$2" --report "$work/run/$3.json" > "$work/run/$3.log" 2>&1) || { echo "$3 failed: $(tail -3 "$work/run/$3.log")" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 - "$work/run/$3.json" "$(echo "$end - $start" | bc)" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r["counts"]
decode = next(s for s in r["stages"] if s["name"] == "decode")
print(f'| {sys.argv[3]} | {float(sys.argv[2]):.2f} | {r["elapsedSeconds"]:.2f} | {c["clipsTracked"]} | {c["clipsCached"]} | {decode["busySeconds"]:.2f} |')
PY
}

echo "| run | process wall s | run.json elapsed s | clips tracked | clips cached | decode busy s |"
echo "|---|---:|---:|---:|---:|---:|"
for build in before after; do
  dll="${!build}"
  corpus="$work/run/corpus-$build" && mkdir -p "$corpus"
  for v in "${all[@]:0:$videos}"; do ln "$v" "$corpus/" 2>/dev/null || cp "$v" "$corpus/"; done
  p=$(pipeline "$build" "$corpus" "$work/run/cache-$build")
  timed "$dll" "$p" "$build: first track, $videos videos"
  timed "$dll" "$p" "$build: rerun, all $videos cached"
  for v in "${all[@]:$videos:$added}"; do ln "$v" "$corpus/" 2>/dev/null || cp "$v" "$corpus/"; done
  timed "$dll" "$p" "$build: rerun after adding $added videos"
done
# Reference: the added videos alone, tracked into an empty cache by the after build.
corpus="$work/run/corpus-added" && mkdir -p "$corpus"
for v in "${all[@]:$videos:$added}"; do ln "$v" "$corpus/" 2>/dev/null || cp "$v" "$corpus/"; done
timed "$after" "$(pipeline added "$corpus" "$work/run/cache-added")" "after: the $added added videos alone, empty cache"
