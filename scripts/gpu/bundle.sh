#!/usr/bin/env bash
# Packs what a lent GPU machine needs to run scripts/gpu/check.sh (docs/gpu.md), into .gpu/bundle/ (ignored; name it in
# the device tool's `carry`):
#   app.tar.xz              mosic-stream (src/Runner) and mosic-bench (bench/, whose `gpu-check` is the check program),
#                           published self-contained for linux-x64 into one folder (the machine has no .NET), without
#                           LibTorch's natives (-p:MoSiCLibTorch=none: the machine brings PyTorch's CUDA LibTorch) and
#                           without OpenCV's (-p:MoSiCOpenCvRuntime=none: the LK tracker is not run there)
#   torchsharp-native.tar.xz TorchSharp's own src/Native at the 0.107.0 release commit, for building the shim there
#                           (route b); taken from a snapshot of github:dotnet/TorchSharp, never committed here
#   ffmpeg/                 only with --ffmpeg DIR: ffmpeg and ffprobe (≥ 5.0, static) for the end-to-end track run
# Prints each part's size, the working tree's size (it travels too) and the total against the 64 MiB carry limit.
#
# usage: scripts/gpu/bundle.sh [--torchsharp DIR] [--ffmpeg DIR]
#   --torchsharp DIR  a TorchSharp checkout or bare git directory at the 0.107.0 release (default: $TORCHSHARP_SRC, else
#                     /work/.mirror/dotnet+TorchSharp/repo, where the search tool's `fetch github:dotnet/TorchSharp` puts it)
#   --ffmpeg DIR      a folder holding static ffmpeg and ffprobe binaries to carry (see docs/gpu.md, item 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"

# TorchSharp 0.107.0 = the commit "Update release notes (#1565)" (2026-05-07): the NuGet package's libLibTorchSharp.so
# is dated that day and exports exactly the EXPORT_API functions of its src/Native (docs/gpu.md, route b).
TORCHSHARP_COMMIT=c20b6a1cc574d690707638a488d2583f3b8b983f
torchsharp="${TORCHSHARP_SRC:-/work/.mirror/dotnet+TorchSharp/repo}"
ffmpeg_dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --torchsharp) torchsharp="$2"; shift 2 ;;
    --ffmpeg) ffmpeg_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bundle.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

out=.gpu/bundle
stage=.gpu/stage
rm -rf "$out" "$stage"
mkdir -p "$out" "$stage/app"

# One folder, two apps: both closures are the same packages at the same versions, so the second publish only adds
# its own apphost, deps.json and runtimeconfig.json. A separate artifacts path keeps the repository's obj/ untouched by
# the changed package references.
publish() {
  dotnet publish "$1" -c Release --nologo -v q -clp:ErrorsOnly -r linux-x64 --self-contained true \
    -p:MoSiCLibTorch=none -p:MoSiCOpenCvRuntime=none -p:GenerateDocumentationFile=false -p:DebugType=none \
    --artifacts-path .gpu/build -o "$stage/app"
}
echo "bundle: publishing mosic-stream and mosic-bench (self-contained linux-x64, no LibTorch or OpenCV natives)…"
publish src/Runner/MoSiC.Stream.Runner.csproj
publish bench/MoSiC.Stream.Bench/MoSiC.Stream.Bench.csproj
for exe in mosic-stream mosic-bench; do [[ -x "$stage/app/$exe" ]] || { echo "bundle: $exe missing from the publish" >&2; exit 1; }; done
if ls "$stage/app" | grep -E '^lib(torch|c10|OpenCvSharpExtern)' >/dev/null; then
  echo "bundle: LibTorch or OpenCV natives slipped into the publish:" >&2; ls "$stage/app" | grep -E '^lib(torch|c10|OpenCv)' >&2; exit 1
fi
tar -C "$stage" -cf - app | xz -T0 -9 > "$out/app.tar.xz"

# TorchSharp's native sources at the release commit (a bare snapshot: git archive; a checkout: its working tree).
if git --git-dir="$torchsharp" cat-file -e "$TORCHSHARP_COMMIT^{commit}" 2>/dev/null; then
  git --git-dir="$torchsharp" archive --prefix=torchsharp-native/ "$TORCHSHARP_COMMIT" src/Native | xz -9 > "$out/torchsharp-native.tar.xz"
elif [[ -d "$torchsharp/.git" ]] && git -C "$torchsharp" cat-file -e "$TORCHSHARP_COMMIT^{commit}" 2>/dev/null; then
  git -C "$torchsharp" archive --prefix=torchsharp-native/ "$TORCHSHARP_COMMIT" src/Native | xz -9 > "$out/torchsharp-native.tar.xz"
else
  echo "bundle: no TorchSharp snapshot with commit $TORCHSHARP_COMMIT at $torchsharp: get one with the search tool's" >&2
  echo "        fetch github:dotnet/TorchSharp (or pass --torchsharp DIR); without it check.sh cannot try route b" >&2
fi
echo "$TORCHSHARP_COMMIT" > "$out/TORCHSHARP_COMMIT"

if [[ -n "$ffmpeg_dir" ]]; then
  mkdir -p "$out/ffmpeg"
  for tool in ffmpeg ffprobe; do
    [[ -x "$ffmpeg_dir/$tool" ]] || { echo "bundle: $ffmpeg_dir/$tool is not an executable" >&2; exit 1; }
    xz -T0 -9 -c "$ffmpeg_dir/$tool" > "$out/ffmpeg/$tool.xz"
  done
fi
rm -rf "$stage"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
bundle_bytes=$(du -sb "$out" | cut -f1)
# The working tree travels too: tracked files plus untracked files git does not ignore.
tree_bytes=$(git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
for f in "$out"/* "$out"/ffmpeg/*; do [[ -f "$f" ]] && printf '  %-40s %s\n' "${f#"$here"/}" "$(mib "$(stat -c %s "$f")")"; done
echo "bundle: .gpu/bundle $(mib "$bundle_bytes") + working tree $(mib "$tree_bytes") = $(mib $((bundle_bytes + tree_bytes))) of the 64 MiB carry limit"
if (( bundle_bytes + tree_bytes > 64 * 1048576 )); then echo "bundle: over the 64 MiB limit" >&2; exit 1; fi
