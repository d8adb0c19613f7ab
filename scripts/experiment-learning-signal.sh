#!/usr/bin/env bash
# Learning-signal experiment (docs/eval.md, issue #15): does training along true trajectories improve dense features,
# beyond the same training on broken trajectories and beyond more image-only training?
#
#   1. corpora: a synthetic training corpus (seed 1) and a held-out one (seed 2), camera pan on, 64 frames at 24 fps;
#   2. tracks into the cache: synthetic-truth and lk, 32×32 grids, 6-frame clips at stride 10
#      (50 frames = 2.08 s of motion);
#   3. P: image-pairs pretraining of `tiny` from a random init, all blocks;
#   4. arms from P (fresh head and prototypes, same steps, same seed, same clip order and augmentation):
#        A0 P untouched · A1 true tracks (synthetic-truth) · A2 shuffled tracks · A3 static tracks ·
#        A4 true tracks with referenceSwapXY · A5 image pairs continued · A6 LK tracks;
#      a second seed (trainer seed and eval seed) for A0, A1, A2, A5;
#   5. metrics: held-out correspondence (eval --correspondence: hit rate, same object, the teacher's label
#      consistency), held-out frame-wise and clip-wise mIoU with -k auto, DAVIS frame-wise mIoU with -k auto and K 10
#      (all TimeT-aligned: pixel level at 224², 4 random frames per clip); weight change per block;
#   6. results.md / results.json in WORKDIR, with the pre-registered decision rule of docs/eval.md applied.
#
# Usage: scripts/experiment-learning-signal.sh [WORKDIR]      (default .mosic/learning-signal)
# Knobs (environment; defaults are the committed experiment's): TRAIN_VIDEOS [48], HELDOUT_VIDEOS [16], FRAMES [64],
#   BATCH [8], P_EPOCHS [3], P_LR [5e-4], ARM_EPOCHS [4], ARM_LR_BACKBONE [2e-4], ARM_LR_HEAD [5e-4], ARM_BLOCKS [2],
#   SECOND_SEED_ARMS ["A0 A1 A2 A5"], ARMS ["A0 A1 A2 A3 A4 A5 A6"], EVAL_FRAMES [4], JOBS (runs side by side) [2],
#   STOP_AFTER (P: stop once P is trained), SMOKE (1: the test suite's few-step version), MOSIC (the CLI) [./mosic-stream], BENCH (mosic-bench) [dotnet …/mosic-bench.dll].
# Deterministic: the same knobs give the same bits (every seed is fixed; every LibTorch runs one thread, so JOBS
# changes the wall time only; one thread per process is also what a shared, oversubscribed machine runs fastest).
# Needs: the CLI's requirements (README), python3 (standard library) for the summary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mkdir -p "${1:-$here/.mosic/learning-signal}" && cd "${1:-$here/.mosic/learning-signal}" && pwd)"
read -r -a mosic <<< "${MOSIC:-$here/mosic-stream}"
read -r -a bench <<< "${BENCH:-dotnet $here/bench/MoSiC.Stream.Bench/bin/Release/net10.0/linux-x64/mosic-bench.dll}"
real="${REAL_DATA:-$here/../shared/data/real}"

if [[ "${SMOKE:-0}" == 1 ]]; then
  # The machinery, not the outcome: 2 + 2 tiny videos, a few steps, two arms and one second seed.
  : "${TRAIN_VIDEOS:=2}" "${HELDOUT_VIDEOS:=2}" "${FRAMES:=24}" "${BATCH:=2}" "${P_EPOCHS:=1}" "${ARM_EPOCHS:=1}"
  : "${ARMS:=A0 A1 A2}" "${SECOND_SEED_ARMS:=A1}" "${EVAL_FRAMES:=2}" "${CLIP_STRIDE:=3}" "${P_CLIPS:=1}" "${DAVIS:=none}"
fi
train_videos="${TRAIN_VIDEOS:-48}" heldout_videos="${HELDOUT_VIDEOS:-16}" frames="${FRAMES:-64}" batch="${BATCH:-8}"
p_epochs="${P_EPOCHS:-3}" p_lr="${P_LR:-5e-4}" p_clips="${P_CLIPS:-8}"
arm_epochs="${ARM_EPOCHS:-4}" arm_lr_backbone="${ARM_LR_BACKBONE:-2e-4}" arm_lr_head="${ARM_LR_HEAD:-5e-4}" arm_blocks="${ARM_BLOCKS:-2}"
arms="${ARMS:-A0 A1 A2 A3 A4 A5 A6}" second="${SECOND_SEED_ARMS:-A0 A1 A2 A5}" eval_frames="${EVAL_FRAMES:-4}"
clip_frames=6 clip_stride="${CLIP_STRIDE:-10}" jobs="${JOBS:-2}"
export OMP_NUM_THREADS=1
command -v python3 > /dev/null || { echo "python3 is needed for the summary" >&2; exit 1; }
davis=()
if [[ "${DAVIS:-}" != none ]]; then for d in "$real"/davis2016_*; do [[ -d "$d/Annotations" ]] && davis+=("$d"); done; fi

log() { echo "== $(date -u +%H:%M:%S) $*"; }
synth='"videos": VIDEOS, "seed": SEED, "frames": '"$frames"', "width": 160, "height": 120, "fps": 24'
runtime='"runtime": { "device": "cpu", "threads": { "decodeWorkers": 1, "ffmpegThreads": 1, "tracker": 1, "torch": 1 } }'

# background CMD...: runs it with at most $jobs at once (wait for all with `wait`).
background() {
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
  "$@" &
}

# pipeline NAME TRACKER CLIPS(json) TRAINER-EXTRA(json fields) → $work/pipelines/NAME.json
pipeline() {
  local name=$1 tracker=$2 clips=$3 extra=$4
  mkdir -p "$work/pipelines"
  cat > "$work/pipelines/$name.json" <<EOF
{
  "name": "learning-signal-$name",
  "corpus": { "root": "$work/train-corpus", "synthetic": { ${synth/VIDEOS/$train_videos} } },
  "decode": { "fps": 24, "resize": "stretch", "width": 224, "height": 224 },
  "clips": $clips,
  "tracker": { "name": "$tracker", "grid": 32, "batchSize": 4 },
  "cache": { "dir": "$work/cache" },
  "trainer": { "model": "tiny", "imageSize": 224, "batchSize": $batch, "shuffleClips": 16, "checkpointDir": "$work/runs/$name", $extra },
  $runtime
}
EOF
  sed -i 's/"seed": SEED/"seed": 1/' "$work/pipelines/$name.json"
}

# train_arm RUN: mosic-stream train of pipelines/RUN.json, its output in runs/RUN.log (skipped when already done).
train_arm() {
  local run=$1
  [[ -f "$work/runs/$run/student-backbone.pth" ]] && return 0
  "${mosic[@]}" train "$work/pipelines/$run.json" > "$work/runs/$run.log" 2>&1 || { echo "$run failed: see $work/runs/$run.log" >&2; return 1; }
  log "$run: $(grep -E '^step [0-9]+/' "$work/runs/$run.log" | tail -1)"
}

video_clips='{ "framesPerClip": '"$clip_frames"', "stride": '"$clip_stride"', "clipsPerVideo": 2 }'
pair_clips='{ "framesPerClip": 2, "stride": 1, "clipsPerVideo": '"$p_clips"' }'
start=$(date +%s)
log "machine: $(getconf _NPROCESSORS_ONLN) cores; load $(uptime | sed 's/.*load average: //')"

log "held-out corpus (seed 2, $heldout_videos videos)"
"${mosic[@]}" synth --out "$work/heldout" --videos "$heldout_videos" --seed 2 --frames "$frames" --width 160 --height 120 --parallel 1 | tail -1

log "P: image-pairs pretraining of tiny from random init (all blocks, lr $p_lr, $p_epochs epochs)"
pipeline P synthetic-truth "$pair_clips" '"epochs": '"$p_epochs"', "seed": 0, "clipSource": "image-pairs", "trainableBlocks": 4, "learningRateBackbone": '"$p_lr"', "learningRateHead": '"$p_lr"
"${mosic[@]}" track "$work/pipelines/P.json" | tail -1
mkdir -p "$work/runs"
train_arm P
p_backbone="$work/runs/P/student-backbone.pth"
# STOP_AFTER=P: only the corpora, P's tracks and P (for choosing the arms' settings on the training corpus).
[[ "${STOP_AFTER:-}" == P ]] && { log "stopped after P"; exit 0; }

# arm_settings ARM → tracker and trainer fields
arm_settings() {
  case $1 in
    A1) echo 'synthetic-truth|' ;;
    A2) echo 'synthetic-truth|, "trackControl": "shuffle"' ;;
    A3) echo 'synthetic-truth|, "trackControl": "static"' ;;
    A4) echo 'synthetic-truth|, "referenceSwapXY": true' ;;
    A5) echo 'synthetic-truth|, "clipSource": "image-pairs"' ;;
    A6) echo 'lk|' ;;
  esac
}

runs=()
for seed in 0 1; do
  for arm in $arms; do
    [[ $seed == 1 && " $second " != *" $arm "* ]] && continue
    runs+=("$arm-s$seed")
    [[ $arm == A0 ]] && continue
    IFS='|' read -r tracker fields <<< "$(arm_settings "$arm")"
    pipeline "$arm-s$seed" "$tracker" "$video_clips" '"init": "'"$p_backbone"'", "epochs": '"$arm_epochs"', "seed": '"$seed"', "trainableBlocks": '"$arm_blocks"', "learningRateBackbone": '"$arm_lr_backbone"', "learningRateHead": '"$arm_lr_head$fields"
  done
done
# Tracks first, one tracker at a time (the arms share the synthetic-truth partition); then the arms side by side.
for tracker in synthetic-truth lk; do
  for run in "${runs[@]}"; do
    if [[ -f "$work/pipelines/$run.json" ]] && grep -q "\"name\": \"$tracker\"" "$work/pipelines/$run.json"; then
      log "tracks: $tracker"; "${mosic[@]}" track "$work/pipelines/$run.json" | tail -1; break
    fi
  done
done
for run in "${runs[@]}"; do [[ -f "$work/pipelines/$run.json" ]] && { log "train $run"; background train_arm "$run"; }; done
wait
for run in "${runs[@]}"; do
  [[ -f "$work/pipelines/$run.json" && ! -f "$work/runs/$run/student-backbone.pth" ]] && { echo "$run did not finish: $work/runs/$run.log" >&2; exit 1; }
done
trained=$(date +%s)

eval_run() {
  local run=$1 arm=${1%-s*} seed=${1#*-s} backbone teacher=() viz=()
  local out="$work/eval/$run"
  [[ -f "$out/done" ]] && return 0
  mkdir -p "$out"
  if [[ $arm == A0 ]]; then backbone=$p_backbone; else backbone="$work/runs/$run/student-backbone.pth"; teacher=(--teacher "$(ls "$work/runs/$run"/epoch-*.safetensors | sort -V | tail -1)"); fi
  [[ $run == A0-s0 || $run == A1-s0 ]] && viz=(--viz "$out/viz")
  "${mosic[@]}" eval "$work/heldout" --correspondence --checkpoint "$backbone" "${teacher[@]}" --seed "$seed" --out "$out/corr" > "$out/corr.txt"
  "${mosic[@]}" eval "$work/heldout" --checkpoint "$backbone" -k auto --scope per-frame,per-clip --frame-sampling random --frames "$eval_frames" \
    --seed "$seed" --out "$out/heldout" "${viz[@]}" > "$out/heldout.txt"
  if [[ ${#davis[@]} -gt 0 ]]; then
    "${mosic[@]}" eval "${davis[@]}" --checkpoint "$backbone" -k auto,10 --scope per-frame --frame-sampling random --frames "$eval_frames" \
      --seed "$seed" --out "$out/davis" > "$out/davis.txt"
  fi
  if [[ $arm == A0 ]]; then "${bench[@]}" weight-change --checkpoint "$backbone" --model tiny --seed 0 > "$out/weights.txt"
  else "${bench[@]}" weight-change --checkpoint "$backbone" --from "$p_backbone" --model tiny > "$out/weights.txt"; fi
  touch "$out/done"
  log "evaluated $run"
}
for run in "${runs[@]}"; do background eval_run "$run"; done
wait
for run in "${runs[@]}"; do [[ -f "$work/eval/$run/done" ]] || { echo "evaluation of $run did not finish" >&2; exit 1; }; done
finished=$(date +%s)

log "summary (training $((trained - start)) s, evaluation $((finished - trained)) s, total $((finished - start)) s)"
python3 "$here/scripts/learning-signal-summary.py" "$work" "${runs[@]}"
log "load $(uptime | sed 's/.*load average: //')"
