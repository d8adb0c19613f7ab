#!/usr/bin/env bash
# Submits the sharded track array, then a check that every corpus video got tracks (cache ls --expect-corpus: exit 1
# naming what is missing) once all tasks ended, then training only if the check passed.
# Usage: deploy/slurm/submit.sh [ARRAY] [PIPELINE]   e.g. deploy/slurm/submit.sh 1-8 pipelines/ytvos.json
set -euo pipefail
array="${1:-0-7}"
pipeline="${2:-pipelines/ytvos.json}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Slurm opens --output before the job starts and does not create folders: make it here.
mkdir -p runs/logs
track=$(sbatch --parsable --array="$array" --output=runs/logs/track-%A_%a.log --export=ALL,MOSIC_PIPELINE="$pipeline" "$here/track-array.sbatch")
track="${track%%;*}"
check=$(sbatch --parsable --dependency=afterany:"$track" --job-name=mosic-check --output=runs/logs/check-%j.log \
  --wrap "mosic-stream cache ls -p $pipeline --expect-corpus")
train=$(sbatch --parsable --dependency=afterok:"$check" --job-name=mosic-train --gres=gpu:1 --output=runs/logs/train-%j.log \
  --wrap "mosic-stream train -p $pipeline --quiet")
echo "track array $track, check $check, train $train (logs in runs/logs/)"
