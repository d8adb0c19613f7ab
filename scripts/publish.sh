#!/usr/bin/env bash
# Publishes the mosic-stream CLI (framework-dependent, linux-x64) into a folder that runs on its own: the apphost
# mosic-stream, its assemblies, TorchSharp/LibTorch and OpenCV natives (libLibTorchSharp.so patched for older
# libstdc++, see README), the embedded sample pipeline. Needs the .NET 10 runtime, ffmpeg and libgtk-3-0 where it runs.
# Usage: scripts/publish.sh [OUT_DIR] [dotnet publish options, e.g. --no-build] (default artifacts/publish). The
# Dockerfile runs the same command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$here/artifacts/publish}")"
shift || true
dotnet publish "$here/src/Runner/MoSiC.Stream.Runner.csproj" -c Release -o "$out" --nologo -v quiet -clp:ErrorsOnly "$@"
echo "$out/mosic-stream"
