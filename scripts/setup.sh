#!/usr/bin/env bash
# Installs what MoSiC.Stream needs on Debian/Ubuntu when it is missing: ffmpeg (decode, synthetic corpus) and the
# shared libraries OpenCvSharp's native runtime links against (libgtk-3-0 and what it pulls in; libatomic1, libdrm2).
# The .NET 10 SDK is checked, not installed: see README.md for how to get it.
set -euo pipefail
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v stat >/dev/null 2>&1 || missing+=(coreutils)
has_lib() { /sbin/ldconfig -p 2>/dev/null | grep -c "$1" >/dev/null; }
has_lib 'libgtk-3\.so\.0' || missing+=(libgtk-3-0)
has_lib 'libatomic\.so\.1' || missing+=(libatomic1)
has_lib 'libdrm\.so\.2' || missing+=(libdrm2)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks | grep -q '^10\.'; then
  echo "setup: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 1
fi
echo "setup: ffmpeg $(ffmpeg -version | head -1 | cut -d' ' -f3), .NET SDK $(dotnet --version): ready" >&2
