#!/usr/bin/env bash
# Builds a small, fully static ffmpeg + ffprobe from Debian's ffmpeg source package (the distribution's 5.1, the
# version the decoder is written for: it needs -fps_mode, ffmpeg ≥ 5.0), with only what mosic-stream's decoder and
# prober use on frame folders and plain MP4/MKV: PNG, JPEG, H.264 and raw video in; raw RGB24 out on a pipe; the
# scale, fps, showinfo and rotation filters. No network, no external libraries but a static zlib. The result goes to
# .gpu/ffmpeg-min/ (ignored), for `scripts/gpu/bundle.sh --ffmpeg .gpu/ffmpeg-min` to carry to a GPU machine that has
# no ffmpeg (docs/gpu.md, item 3). Static ffmpeg builds found in the reachable registries are too old (npm's
# @ffmpeg-installer/linux-x64 is ffmpeg 4.1: no -fps_mode) or too large.
#
# usage: scripts/gpu/ffmpeg-min.sh [--jobs N]
# Needs: apt-get (Debian's source package, fetched through a private source list: the system's lists are untouched),
# a C compiler, make, and zlib1g-dev (libz.a).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jobs=$(nproc)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "ffmpeg-min.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -f /usr/lib/x86_64-linux-gnu/libz.a ]] || { echo "ffmpeg-min.sh: needs zlib1g-dev (libz.a)" >&2; exit 1; }

work="$here/.gpu/ffmpeg-src"
dest="$here/.gpu/ffmpeg-min"
mkdir -p "$work/lists/partial" "$dest"
cd "$work"
# Debian's sources for the release this machine runs, through a source list of our own.
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
printf 'deb-src http://deb.debian.org/debian %s main\ndeb-src http://deb.debian.org/debian-security %s-security main\n' "$codename" "$codename" > sources.list
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=-" -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0")
if ! ls -d ffmpeg-*/ >/dev/null 2>&1; then
  apt-get "${apt_opts[@]}" update -qq
  apt-get "${apt_opts[@]}" source --download-only -qq ffmpeg
  tar -xf "$(ls ffmpeg_*.orig.tar.* | grep -v "\.asc$" | head -n 1)"
fi
src=$(ls -d ffmpeg-*/ | head -n 1)
cd "$src"

./configure --prefix="$dest" --disable-shared --enable-static --pkg-config-flags=--static \
  --extra-cflags=-O2 --extra-ldflags=-static --disable-debug --disable-doc --disable-network --disable-autodetect \
  --disable-x86asm --disable-ffplay --enable-zlib --disable-everything \
  --enable-protocol=file,pipe \
  --enable-demuxer=concat,image2,image2pipe,mov,matroska,h264,rawvideo \
  --enable-decoder=png,mjpeg,h264,rawvideo \
  --enable-parser=png,mjpeg,h264 \
  --enable-muxer=rawvideo,null,image2 \
  --enable-encoder=rawvideo,wrapped_avframe,png \
  --enable-filter=scale,fps,showinfo,format,null,setpts,settb,trim,transpose,hflip,vflip,rotate,aresample,anull,copy \
  --enable-bsf=h264_mp4toannexb,null
make -j "$jobs" ffmpeg ffprobe
strip ffmpeg ffprobe
cp ffmpeg ffprobe "$dest/"
"$dest/ffmpeg" -hide_banner -version | head -n 1
ls -l "$dest/ffmpeg" "$dest/ffprobe"
