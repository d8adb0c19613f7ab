#!/usr/bin/env bash
# The container check without a container engine: publishes the CLI, copies the output into an empty folder, and
# from another empty folder (no source tree, no pipelines/, no build outputs) runs what a deployed image runs:
# --help, synth (ffmpeg), track (OpenCV's native runtime), train (TorchSharp's natives), cache ls --expect-corpus.
# Exits non-zero at the first step that fails. Usage: scripts/check-publish.sh [--no-build] (publish what the last
# Release build left, as the test Build/PublishTests does after scripts/test.sh built the solution).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d /tmp/mosic-publish-check.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
bash "$here/scripts/publish.sh" "$tmp/build" "$@" >/dev/null
# Moved after publishing, so nothing can point back at the folder it was published to.
mv "$tmp/build" "$tmp/app"
mkdir "$tmp/work"
cd "$tmp/work"
cli="$tmp/app/mosic-stream"
step() { echo "check-publish: $*" >&2; }
step "--help"; "$cli" --help | grep -q "Exit codes:"
step "synth (ffmpeg)"; "$cli" synth --out corpus --videos 2 --frames 12 --width 96 --height 96 -q >/dev/null
cat > p.json <<'JSON'
{
  "name": "publish-check",
  "corpus": { "root": "corpus", "include": ["videos/*.mp4"] },
  "decode": { "fps": 24, "resize": "stretch", "width": 56, "height": 56 },
  "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 1 },
  "tracker": { "name": "lk", "grid": 4, "batchSize": 2 },
  "cache": { "dir": "cache" },
  "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": 1, "prototypes": 10, "checkpointDir": "ckpt" },
  "runtime": { "device": "cpu" }
}
JSON
step "track (OpenCV)"; "$cli" track -p p.json -q --json > track.json
grep -q '"clipsTracked": 2' track.json
step "cache ls --expect-corpus"; "$cli" cache ls -p p.json --expect-corpus -q >/dev/null
step "train (TorchSharp)"; "$cli" train -p p.json -q >/dev/null
test -s ckpt/student-backbone.safetensors
step "ok: the published CLI runs from an empty folder ($(du -sh "$tmp/app" | cut -f1), $((SECONDS - start)) s)"
