#!/usr/bin/env bash
# Issue #17 item 3: a long video with default buffers. Tracks one clip of a LONG-second 30 fps video and of a
# 10-second one with the same settings (clipsPerVideo 1, no runtime.buffers: the defaults) and compares their peak
# resident memory and decode time, against ffmpeg decoding the whole long video through the same scale. BEFORE_DLL,
# optional, is tried on the long video too (the build before #17 held the whole decoded video). Prints Markdown.
# Usage: bench/scripts/long-video.sh AFTER_DLL [LONG_SECONDS=3600] [WORK=/tmp/mosic-long] [BEFORE_DLL]
set -euo pipefail
after="$(realpath "$1")" seconds="${2:-3600}" work="$(realpath -m "${3:-/tmp/mosic-long}")" before="${4:-}"
mkdir -p "$work"
make() { # SECONDS FILE: a 160x120 30 fps H.264 test pattern with a keyframe every 250 frames
  [[ -s "$2" ]] || ffmpeg -v error -nostdin -f lavfi -i "testsrc2=size=160x120:rate=30" -t "$1" -c:v libx264 -preset ultrafast -g 250 -pix_fmt yuv420p -y "$2"
}
mkdir -p "$work/long" "$work/short"
make "$seconds" "$work/long/long.mp4"
make 10 "$work/short/short.mp4"

pipeline() { # NAME ROOT
  cat > "$work/$1.json" <<JSON
{
  "name": "$1",
  "corpus": { "root": "$2", "include": ["*.mp4"] },
  "decode": { "fps": 30, "resize": "stretch", "width": 224, "height": 224 },
  "clips": { "framesPerClip": 12, "stride": 1, "clipsPerVideo": 1 },
  "tracker": { "name": "lk", "grid": 16, "batchSize": 1 },
  "cache": { "dir": "$work/cache-$1" },
  "trainer": { "model": "tiny", "batchSize": 2, "epochs": 1, "checkpointDir": "$work/ckpt-$1" },
  "runtime": { "device": "cpu", "threads": { "decodeWorkers": 1, "ffmpegThreads": 1, "tracker": 1, "torch": 1 } }
}
JSON
  echo "$work/$1.json"
}

run() { # DLL NAME ROOT LABEL
  rm -rf "$work/cache-$2"
  local start end rc=0
  start=$(date +%s.%N)
  (cd "$work" && dotnet "$1" track "$(pipeline "$2" "$3")" --report "$work/$2.run.json" > "$work/$2.log" 2>&1) || rc=$?
  end=$(date +%s.%N)
  if [[ $rc -ne 0 || ! -s "$work/$2.run.json" ]]; then
    echo "| $4 | exit $rc: $(grep -m1 -io 'more than [^;]*' "$work/$2.log" || tail -1 "$work/$2.log") | | | | |"
    return
  fi
  python3 - "$work/$2.run.json" "$(echo "$end - $start" | bc)" "$4" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r["counts"]; p = r["process"]
decode = next(s for s in r["stages"] if s["name"] == "decode")
print(f'| {sys.argv[3]} | exit 0, {c["clipsTracked"]} clip tracked | {float(sys.argv[2]):.2f} | {decode["busySeconds"]:.2f} | {p["peakWorkingSetBytes"] / 2**20:.1f} | {p["threads"]} |')
PY
}

frames=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$work/long/long.mp4")
echo "Long video: $seconds s, $frames frames of 160×120 at 30 fps (H.264, keyframe every 250 frames); short: 10 s."
echo
echo "| run | result | process wall s | decode busy s | peak working set MiB | threads |"
echo "|---|---|---:|---:|---:|---:|"
run "$after" short "$work/short" "after: 10 s video, clipsPerVideo 1"
run "$after" long "$work/long" "after: $seconds s video, clipsPerVideo 1"
[[ -n "$before" ]] && run "$(realpath "$before")" long-before "$work/long" "before: $seconds s video, clipsPerVideo 1"
start=$(date +%s.%N)
ffmpeg -v error -nostdin -threads 1 -i "$work/long/long.mp4" -vf "fps=30,scale=224:224" -pix_fmt rgb24 -f rawvideo -y /dev/null
echo "| ffmpeg: whole long video through fps=30,scale=224:224 to rgb24, 1 thread | | $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.2f') | | | |"
