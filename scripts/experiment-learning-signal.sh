#!/usr/bin/env bash
# Learning-signal experiment (docs/eval.md): does MoSiC training move the `tiny` backbone's frozen-feature video
# segmentation away from its own random initialisation?
#   1. renders a held-apart synthetic corpus (another seed than the training corpus),
#   2. evaluates the random-init tiny ViT (the trainer's initialisation: same seed, same architecture) on it and on the
#      DAVIS sequences in ../shared/data/real,
#   3. trains with `mosic-stream run` (LK tracks) on a synthetic training corpus,
#   4. evaluates the exported student-backbone.pth the same way,
#   5. prints before/after per sequence (`eval --compare`).
# Usage: scripts/experiment-learning-signal.sh [WORKDIR]        (default .mosic/learning-signal)
# Knobs (environment, defaults in brackets): EPOCHS [4], BATCH [8], LR_BACKBONE [1e-05], LR_HEAD [0.0001],
# BLOCKS (trainable blocks) [2], TRAIN_VIDEOS [24], CLIPS_PER_VIDEO [2], LOSS [reference], SEED (trainer.seed = init) [0], EVAL_SEED (k-means) [0],
# MOSIC (the CLI) [./mosic-stream].
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$here/.mosic/learning-signal}"
read -r -a mosic <<< "${MOSIC:-$here/mosic-stream}"
real="${REAL_DATA:-$here/../shared/data/real}"
epochs="${EPOCHS:-4}" batch="${BATCH:-8}" lr_backbone="${LR_BACKBONE:-1e-05}" lr_head="${LR_HEAD:-0.0001}"
blocks="${BLOCKS:-2}" videos="${TRAIN_VIDEOS:-24}" clips="${CLIPS_PER_VIDEO:-2}" loss="${LOSS:-reference}"
seed="${SEED:-0}" eval_seed="${EVAL_SEED:-0}"
mkdir -p "$work"
davis=()
for d in "$real"/davis2016_*; do [[ -d "$d/Annotations" ]] && davis+=("$d"); done

# Eval settings shared by before and after: per clip, 224 px; the random model is built like the trainer's (tiny at
# 224, trainer.seed), so "before" is exactly the run's initialisation (mosic-bench weight-change shows 0 change in
# frozen parts).
synth_eval=(--scope per-clip -k 4 --frames 8 --stride 6 --size 224 --restarts 5 --seed "$eval_seed" --init-seed "$seed")
davis_eval=(--scope per-clip -k 2 --frames 8 --stride 10 --size 224 --restarts 5 --seed "$eval_seed" --init-seed "$seed")

echo "== held-apart synthetic corpus (seed 2, 8 videos)"
"${mosic[@]}" synth --out "$work/heldout" --videos 8 --seed 2 --frames 48 --width 160 --height 120 --parallel 1 | tail -1

cat > "$work/pipeline.json" <<EOF
{
  "name": "learning-signal",
  "corpus": { "root": "$work/train-corpus", "synthetic": { "videos": $videos, "seed": 1, "frames": 48, "width": 160, "height": 120, "fps": 24 } },
  "decode": { "fps": 24, "resize": "stretch", "width": 224, "height": 224 },
  "clips": { "framesPerClip": 12, "stride": 2, "clipsPerVideo": $clips },
  "tracker": { "name": "lk", "grid": 16, "batchSize": 4 },
  "cache": { "dir": "$work/cache" },
  "trainer": { "model": "tiny", "imageSize": 224, "batchSize": $batch, "epochs": $epochs, "shuffleClips": 16, "seed": $seed,
               "learningRateBackbone": $lr_backbone, "learningRateHead": $lr_head, "trainableBlocks": $blocks, "loss": "$loss",
               "checkpointDir": "$work/checkpoints" },
  "runtime": { "device": "cpu", "threads": { "decodeWorkers": 1, "ffmpegThreads": 1, "tracker": 1, "torch": 2 } }
}
EOF

echo "== before: random-init tiny (seed $seed)"
"${mosic[@]}" eval "$work/heldout" "${synth_eval[@]}" --out "$work/before-synth"
"${mosic[@]}" eval "${davis[@]}" "${davis_eval[@]}" --out "$work/before-davis"

echo "== train: mosic-stream run $work/pipeline.json"
rm -rf "$work/checkpoints"
start=$(date +%s)
"${mosic[@]}" run "$work/pipeline.json"
echo "training wall time: $(( $(date +%s) - start )) s"

backbone="$work/checkpoints/student-backbone.pth"
echo "== after: $backbone"
"${mosic[@]}" eval "$work/heldout" "${synth_eval[@]}" --checkpoint "$backbone" --out "$work/after-synth"
"${mosic[@]}" eval "${davis[@]}" "${davis_eval[@]}" --checkpoint "$backbone" --out "$work/after-davis"

echo "== held-apart synthetic: before (A) vs after (B)"
"${mosic[@]}" eval --compare "$work/before-synth" "$work/after-synth"
echo "== DAVIS: before (A) vs after (B)"
"${mosic[@]}" eval --compare "$work/before-davis" "$work/after-davis"
