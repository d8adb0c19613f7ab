#!/usr/bin/env bash
# The one prepared GPU check of issue #18 (docs/gpu.md), for a lent device machine (one H100/H200, PyTorch with CUDA
# LibTorch, no .NET, no network), within 8 minutes:
#   1. unpacks .gpu/bundle (scripts/gpu/bundle.sh, carried);
#   2. makes TorchSharp reach the machine's CUDA LibTorch by the first route that works, printing each failed route's
#      exact error: (a) the NuGet shim libLibTorchSharp.so (built for LibTorch 2.10) against torch/lib on
#      LD_LIBRARY_PATH; (b) the shim built here from TorchSharp 0.107.0's own src/Native against torch/share/cmake
#      (timed; kept in .gpu/work for a rerun on the same machine); (a-lazy) route a although some of the shim's
#      symbols are missing (a call to one of them would end the process);
#   3. runs `mosic-bench gpu-check`: matmul ceilings, GPU-vs-CPU parity (TF32 off), CoTracker3 stage throughput,
#      trainer step and MFU, and `mosic-stream track` end to end when ffmpeg and ffprobe are there;
#   4. leaves in $OUT (at most 8 files): gpu-check.json, gpu-check.txt, check.log, route.txt, nvidia-smi.txt,
#      shim-build.log, track-profile.json, track.log.
# --dry-run runs the same steps on this machine's CPU at small sizes (the suite runs it: tests/.../Bench/GpuCheckTests).
#
# usage: scripts/gpu/check.sh [--dry-run] [--out DIR] [--app DIR] [--work DIR] [--torch-lib DIR] [--budget SECONDS]
#   --out DIR        results (default: $OUT, else .gpu/out, or artifacts/gpu-check-dry for --dry-run)
#   --app DIR        a folder with mosic-bench and mosic-stream (default: .gpu/bundle/app.tar.xz unpacked into the work folder)
#   --work DIR       scratch, kept between runs (default .gpu/work)
#   --torch-lib DIR  the LibTorch to load (default: PyTorch's torch/lib; for --dry-run, the app's own or the NuGet cache's CPU LibTorch)
#   --budget S       wall-clock seconds for the whole script (default 480)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"

dry=0 out="${OUT:-}" app="" work=.gpu/work torch_lib="" budget=480
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --app) app="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --torch-lib) torch_lib="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "check.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$out" ]] || out=$([[ $dry == 1 ]] && echo artifacts/gpu-check-dry || echo .gpu/out)
mkdir -p "$out" "$work"
out="$(cd "$out" && pwd)" work="$(cd "$work" && pwd)"
exec > >(tee -a "$out/check.log") 2>&1
start=$(date +%s)
say() { echo "[check.sh +$(( $(date +%s) - start ))s] $*"; }
left() { echo $(( budget - ($(date +%s) - start) )); }
route_log="$out/route.txt"
: > "$route_log"
note() { echo "$*" | tee -a "$route_log"; }

say "machine: $(uname -srm), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), dry run: $dry"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > "$out/nvidia-smi.txt" 2>&1
  nvidia-smi >> "$out/nvidia-smi.txt" 2>&1
  say "gpu: $(sed -n 2p "$out/nvidia-smi.txt")"
fi

# 1. The apps.
if [[ -z "$app" ]]; then
  bundle=.gpu/bundle
  [[ -f $bundle/app.tar.xz ]] || { say "no $bundle/app.tar.xz: run scripts/gpu/bundle.sh first (and carry .gpu/bundle)"; exit 1; }
  app="$work/app"
  if [[ ! -x "$app/mosic-bench" || $bundle/app.tar.xz -nt "$work/app.stamp" ]]; then
    rm -rf "$app"
    tar -xJf $bundle/app.tar.xz -C "$work" && touch "$work/app.stamp" || { say "unpacking failed"; exit 1; }
  fi
  say "unpacked the apps into $app ($(du -sh "$app" | cut -f1))"
fi
app="$(cd "$app" && pwd)"
bench="$app/mosic-bench"
[[ -x "$bench" && -x "$app/mosic-stream" ]] || { say "$app lacks mosic-bench or mosic-stream"; exit 1; }

# 2. Which LibTorch.
device=cuda torch_root=""
if [[ $dry == 1 ]]; then
  device=cpu
  if [[ -z "$torch_lib" && ! -f "$app/libtorch_cpu.so" ]]; then
    torch_lib="${NUGET_PACKAGES:-$HOME/.nuget/packages}/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"
  fi
elif [[ -z "$torch_lib" ]]; then
  torch_root=$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null) \
    || { say "python3 cannot import torch: pass --torch-lib"; exit 1; }
  torch_lib="$torch_root/lib"
  note "pytorch: $(python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "cxx11abi", torch.compiled_with_cxx11_abi())' 2>&1)"
fi
if [[ -n "$torch_lib" ]]; then
  [[ -f "$torch_lib/libtorch_cpu.so" ]] || { say "no libtorch_cpu.so in $torch_lib"; exit 1; }
  export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  note "libtorch: $torch_lib"
fi
probe() { timeout 120 "$bench" gpu-check --probe --device "$device" 2>&1 | tail -n 20; return "${PIPESTATUS[0]}"; }

# 3. The route.
shim="$app/libLibTorchSharp.so"
[[ -f "$app/libLibTorchSharp.nuget.so" ]] || cp "$shim" "$app/libLibTorchSharp.nuget.so"
route=""
if [[ -z "$torch_lib" ]]; then
  out_a=$(probe); rc=$?
  note "route app-local (the app's own LibTorch): exit $rc: $out_a"
  [[ $rc == 0 ]] && route="app-local"
else
  cp "$app/libLibTorchSharp.nuget.so" "$shim"
  if command -v ldd >/dev/null; then
    missing=$(ldd -r "$shim" 2>&1 | grep -c 'undefined symbol' || true)
    note "route a (NuGet shim, LibTorch 2.10 ABI, against $torch_lib): $missing undefined symbols (ldd -r)"
  else
    # No ldd: binding every symbol at load (RTLD_NOW) names the first missing one.
    if bind=$(python3 -c 'import ctypes, os, sys; ctypes.CDLL(sys.argv[1], mode=os.RTLD_NOW)' "$shim" 2>&1); then missing=0; else missing=1; fi
    note "route a (NuGet shim, LibTorch 2.10 ABI, against $torch_lib): $missing undefined symbols (no ldd; RTLD_NOW load: ${bind:-ok})"
  fi
  if [[ $missing -gt 0 ]] && command -v ldd >/dev/null; then
    ldd -r "$shim" 2>&1 | grep 'undefined symbol' | sed -E 's/^\s*undefined symbol: ([^ \t]+).*/\1/' | head -n 40 \
      | (command -v c++filt >/dev/null && c++filt || cat) | sed 's/^/  missing: /' | tee -a "$route_log"
  fi
  out_a=$(probe); rc_a=$?
  note "route a probe: exit $rc_a: $out_a"
  if [[ $rc_a == 0 && $missing == 0 ]]; then route="a:nuget-shim"; fi
fi

if [[ -z "$route" && $dry == 0 ]]; then
  native_tar=.gpu/bundle/torchsharp-native.tar.xz
  src="$work/torchsharp-native/src/Native"
  build="$work/shim-build"
  key="$(cat .gpu/bundle/TORCHSHARP_COMMIT 2>/dev/null) $(python3 -c 'import torch; print(torch.__version__)' 2>/dev/null)"
  if [[ -f "$build/libLibTorchSharp.so" && "$(cat "$build/key" 2>/dev/null)" == "$key" ]]; then
    note "route b: reusing the shim built earlier on this machine ($build)"
  elif [[ ! -f $native_tar ]]; then
    note "route b: $native_tar is not in the bundle (bundle.sh found no TorchSharp snapshot)"
  else
    rm -rf "$work/torchsharp-native" "$build"
    tar -xJf $native_tar -C "$work"
    b0=$(date +%s)
    configure() {
      cmake -S scripts/gpu/shim -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
        -DTORCHSHARP_NATIVE="$src" -DTORCH_ROOT="$torch_root" "$@" >> "$out/shim-build.log" 2>&1
    }
    if ! configure; then
      note "route b: cmake with find_package(Torch) failed: $(grep -m3 -E 'Error|error' "$out/shim-build.log" | tr '\n' ' ')"
      note "route b: configuring again against torch/include and torch/lib directly (MOSIC_FIND_TORCH=OFF)"
      rm -rf "$build"; configure -DMOSIC_FIND_TORCH=OFF
    fi
    if timeout $(( $(left) - 200 > 60 ? $(left) - 200 : 60 )) cmake --build "$build" -j "$(nproc)" >> "$out/shim-build.log" 2>&1; then
      echo "$key" > "$build/key"
      note "route b: built $build/libLibTorchSharp.so in $(( $(date +%s) - b0 )) s on $(nproc) cores"
    else
      note "route b: the build failed after $(( $(date +%s) - b0 )) s; first errors:"
      grep -m 8 -E 'error|Error' "$out/shim-build.log" | tee -a "$route_log"
    fi
  fi
  if [[ -f "$build/libLibTorchSharp.so" ]]; then
    cp "$build/libLibTorchSharp.so" "$shim"
    out_b=$(probe); rc_b=$?
    note "route b probe: exit $rc_b: $out_b"
    if [[ $rc_b == 0 ]]; then route="b:built-shim"; else cp "$app/libLibTorchSharp.nuget.so" "$shim"; fi
  fi
fi
if [[ -z "$route" && ${rc_a:-1} == 0 ]]; then
  cp "$app/libLibTorchSharp.nuget.so" "$shim"
  route="a-lazy:nuget-shim-with-missing-symbols"
  note "route a-lazy: the NuGet shim loads lazily; a call into one of the missing symbols above would end the process"
fi
if [[ -z "$route" ]]; then
  note "no route reached the device; see the errors above"
  exit 1
fi
say "route: $route"

# 4. ffmpeg for the end-to-end track run: on PATH, or carried (bundle.sh --ffmpeg).
if [[ -d .gpu/bundle/ffmpeg ]]; then
  mkdir -p "$work/ffmpeg"
  for tool in ffmpeg ffprobe; do
    [[ -f .gpu/bundle/ffmpeg/$tool.xz && ! -x "$work/ffmpeg/$tool" ]] && xz -dc .gpu/bundle/ffmpeg/$tool.xz > "$work/ffmpeg/$tool" && chmod +x "$work/ffmpeg/$tool"
  done
  export PATH="$work/ffmpeg:$PATH"
fi
say "ffmpeg: $(command -v ffmpeg || echo none), ffprobe: $(command -v ffprobe || echo none)"

# 5. The check itself, in what is left of the budget (the report is rewritten after every section).
args=(gpu-check --out "$out" --work "$work/check" --route "$route" --device "$device")
[[ $dry == 1 ]] && args+=(--dry-run)
rm -rf "$work/check"
limit=$(( $(left) - 15 > 60 ? $(left) - 15 : 60 ))
say "running: mosic-bench ${args[*]} (timeout ${limit}s)"
timeout "$limit" "$bench" "${args[@]}"
rc=$?
[[ -f "$work/check/profile/profile.json" ]] && cp "$work/check/profile/profile.json" "$out/track-profile.json"
[[ -f "$work/check/track.log" ]] && tail -c 200000 "$work/check/track.log" > "$out/track.log"
say "mosic-bench gpu-check exited $rc (124: out of time); results in $out"
[[ -f "$out/gpu-check.txt" ]] && cat "$out/gpu-check.txt"
exit $rc
