#!/usr/bin/env bash
# Renders the track Job (track-indexed-job.yaml) or the check Job after it (check-job.yaml). For the track Job,
# spec.completions, spec.parallelism and the pods' MOSIC_SHARDS all come from SHARDS, so the shard count can never
# disagree with the Job's completions (a pod is given its index, not the Job's completions).
# Usage: SHARDS=8 IMAGE=registry/mosic-stream:tag [PIPELINE=pipelines/ytvos.json] deploy/kubernetes/track-job.sh | kubectl apply -f -
#        IMAGE=registry/mosic-stream:tag [PIPELINE=…] deploy/kubernetes/track-job.sh check | kubectl apply -f -
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
job="${1:-track}"
: "${IMAGE:?set IMAGE, the mosic-stream image}"
PIPELINE="${PIPELINE:-pipelines/ytvos.json}"
case "$job" in
  track)
    : "${SHARDS:?set SHARDS, the number of pods (= shards)}"
    [[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || { echo "track-job.sh: SHARDS must be a positive whole number, got '$SHARDS'" >&2; exit 2; }
    template="$here/track-indexed-job.yaml" ;;
  check) SHARDS="" template="$here/check-job.yaml" ;;
  *) echo "track-job.sh: the job is 'track' or 'check', got '$job'" >&2; exit 2 ;;
esac
# Only these three are filled in; ${JOB_COMPLETION_INDEX} and ${MOSIC_SHARDS} stay for the pod's shell.
sed -e "s|\${SHARDS}|$SHARDS|g" -e "s|\${IMAGE}|$IMAGE|g" -e "s|\${PIPELINE}|$PIPELINE|g" "$template"
