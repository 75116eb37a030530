#!/usr/bin/env bash
# The GPU benchmark, for someone lent a GPU. NOT RUN YET: written and syntax-checked on a CPU-only
# machine; its CPU-side parts (argument handling, cuBLAS discovery, the Python helper with
# --allow-cpu) were exercised there. See bench/README.md.
#
# Steps (each can run alone, so a long job can be split across several commands):
#   check   GPU, nvcc, cuBLAS (system, or the nvidia-cublas Python package), llama-cpp-python,
#           and gpu_offload.py --self-test (the GPU bandwidth lookup)
#   wheel   rebuild llama-cpp-python with CUDA (CMAKE_ARGS, --no-cache-dir)
#   server  build llama.cpp's llama-server with CUDA (scripts/build_llama_server.sh)
#   model   write the synthetic llama-8b shape at Q4_K_M (about 16 GB of F16 on the way; 4.9 GB kept)
#   run     local backend fully offloaded (flash attention / CUDA graphs variants) + roofline ratio,
#           then llama-server aggregate tokens/s at 8 parallel slots
#   all     every step in order
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LCP_VERSION="0.3.36"
CUDA_ARCH="${CUDA_ARCH:-90}"                       # 90 = Hopper (H100/H200); 80 = A100; 89 = L4/L40S
MODEL="${MODEL:-synthetic:llama-8b:Q4_K_M}"
PARALLEL="${PARALLEL:-8}"
CACHE_DIR="${COURSE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/open-vs-frontier}"
OUT_DIR="${OUT_DIR:-$REPO/bench/results/gpu-$(date +%Y%m%d-%H%M%S)}"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$REPO/.venv/bin/python" ]]; then PYTHON="$REPO/.venv/bin/python"; else PYTHON="python3"; fi
fi

usage() {
    cat <<EOF
Usage: bench/gpu_offload.sh [check|wheel|server|model|run|all] [--quick]

The GPU run of the course's benchmarks (default step: all). NOT RUN YET on a GPU.

Environment:
  PYTHON        Python with the course installed (default: .venv/bin/python, else python3)
  CUDA_ARCH     CUDA architecture for the builds (default: 90, Hopper)
  MODEL         model to time (default: synthetic:llama-8b:Q4_K_M)
  PARALLEL      llama-server slots and streams in flight (default: 8)
  LCP_SDIST     a llama_cpp_python-$LCP_VERSION.tar.gz to build from (offline machines)
  OUT_DIR       where figures are written (default: bench/results/gpu-<time>)
  COURSE_CACHE_DIR  cache root (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/open-vs-frontier)
EOF
}

log() { printf '[gpu_offload] %s\n' "$*"; }
warn() { printf '[gpu_offload] warning: %s\n' "$*" >&2; }
die() { printf '[gpu_offload] error: %s\n' "$*" >&2; exit 1; }

STEP="all"
QUICK=()
for arg in "$@"; do
    case "$arg" in
        -h | --help) usage; exit 0 ;;
        --quick) QUICK=(--quick) ;;
        check | wheel | server | model | run | all) STEP="$arg" ;;
        *) die "unknown argument '$arg' (see --help)" ;;
    esac
done

# --- cuBLAS ------------------------------------------------------------------------------------
# llama.cpp's CUDA build needs cuBLAS headers and libraries. A CUDA toolkit usually has them; a
# bare nvcc install may not. Then use NVIDIA's pip package (nvidia-cublas-cu12 for CUDA 12,
# nvidia-cublas 13.x for CUDA 13) through a shim folder ($CACHE_DIR/cuda-shim) holding the
# unversioned .so names CMake looks for (also libcuda.so when the driver ships only libcuda.so.1).
CUBLAS_CMAKE=""

cuda_version() { nvcc --version | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1 \2/p'; }

system_cublas() {
    local root
    root="$(dirname "$(dirname "$(command -v nvcc)")")"
    compgen -G "$root/lib64/libcublas.so*" >/dev/null || compgen -G "$root/targets/*/lib/libcublas.so*" >/dev/null \
        || ldconfig -p 2>/dev/null | grep -q 'libcublas\.so'
}

pip_cublas_dirs() {
    # prints "<lib dir> <include dir>" of an installed nvidia cuBLAS Python package, if any
    "$PYTHON" - <<'EOF'
import glob, os, sys
try:
    import nvidia
except ImportError:
    sys.exit(0)
for root in list(nvidia.__path__):
    libs = glob.glob(os.path.join(root, "**", "libcublas.so*"), recursive=True)
    heads = glob.glob(os.path.join(root, "**", "cublas_v2.h"), recursive=True)
    if libs and heads:
        print(os.path.dirname(libs[0]), os.path.dirname(heads[0]))
        break
EOF
}

SHIM="$CACHE_DIR/cuda-shim"

driver_lib() {
    # CMake links CUDA::cuda_driver (libcuda.so). A driver install may ship only libcuda.so.1.
    if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so '; then return; fi
    local real root
    real="$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{print $NF; exit}')"
    root="$(dirname "$(dirname "$(command -v nvcc)")")"
    if [[ -z "$real" ]]; then real="$(compgen -G "$root/lib64/stubs/libcuda.so" || compgen -G "$root/targets/*/lib/stubs/libcuda.so" || true)"; fi
    if [[ -z "$real" ]]; then
        warn "no CUDA driver library (libcuda.so) here: the CUDA build will not configure without one"
        return
    fi
    mkdir -p "$SHIM/lib"
    ln -sfn "$real" "$SHIM/lib/libcuda.so"
    CUBLAS_CMAKE+=" -DCUDA_cuda_driver_LIBRARY=$SHIM/lib/libcuda.so"
    log "CUDA driver library: $real"
}

find_cublas() {
    # $1 = "install" to pip-install NVIDIA's cuBLAS package when the system has none
    command -v nvcc >/dev/null || die "nvcc not found: install the CUDA toolkit (or put its bin/ on PATH)"
    CUBLAS_CMAKE=""
    driver_lib
    if system_cublas; then
        log "cuBLAS: found in the CUDA toolkit / system libraries"
        return
    fi
    local dirs major minor pkg
    dirs="$(pip_cublas_dirs)"
    if [[ -z "$dirs" ]]; then
        read -r major minor < <(cuda_version)
        if [[ "$major" == "12" ]]; then pkg="nvidia-cublas-cu12==12.${minor}.*"; else pkg="nvidia-cublas==${major}.${minor}.*"; fi
        if [[ "${1:-}" != "install" ]]; then
            log "cuBLAS: none on the system; the build steps will pip-install $pkg"
            return
        fi
        log "cuBLAS: none on the system; installing the Python package $pkg"
        "$PYTHON" -m pip install --quiet "$pkg" || die "could not install $pkg (offline? put its wheel in PIP_FIND_LINKS)"
        dirs="$(pip_cublas_dirs)"
        [[ -n "$dirs" ]] || die "installed $pkg but found no libcublas.so / cublas_v2.h in it"
    fi
    local lib inc name real
    read -r lib inc <<<"$dirs"
    mkdir -p "$SHIM/lib"
    ln -sfn "$inc" "$SHIM/include"
    for name in cublas cublasLt; do
        real="$(find "$lib" -maxdepth 1 -name "lib$name.so.*" | sort | head -n 1)"
        [[ -n "$real" ]] || die "no lib$name.so.* in $lib"
        ln -sfn "$real" "$SHIM/lib/lib$name.so"
    done
    export LD_LIBRARY_PATH="$SHIM/lib:$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LIBRARY_PATH="$SHIM/lib${LIBRARY_PATH:+:$LIBRARY_PATH}"
    export CPATH="$SHIM/include${CPATH:+:$CPATH}"
    CUBLAS_CMAKE+=" -DCUDA_cublas_LIBRARY=$SHIM/lib/libcublas.so -DCUDA_cublasLt_LIBRARY=$SHIM/lib/libcublasLt.so"
    CUBLAS_CMAKE+=" -DCMAKE_CUDA_FLAGS=-I$SHIM/include -DCMAKE_CXX_FLAGS=-I$SHIM/include"
    log "cuBLAS: from the Python package ($lib), through the shim $SHIM"
}

cuda_cmake_args() { echo "-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=$CUDA_ARCH $CUBLAS_CMAKE"; }

# --- steps -------------------------------------------------------------------------------------
step_check() {
    log "repo $REPO; python $PYTHON; CUDA arch $CUDA_ARCH; model $MODEL; parallel $PARALLEL"
    if command -v nvidia-smi >/dev/null; then
        nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/[gpu_offload] GPU: /'
    else
        log "no nvidia-smi: no NVIDIA GPU visible here"
    fi
    if command -v nvcc >/dev/null; then log "nvcc: $(nvcc --version | tail -n 1)"; else log "nvcc: not found"; fi
    "$PYTHON" -c "import llama_cpp; print('[gpu_offload] llama-cpp-python', llama_cpp.__version__, \
'GPU offload:', bool(llama_cpp.llama_supports_gpu_offload()))" || die "$PYTHON cannot import llama_cpp"
    if command -v nvcc >/dev/null; then find_cublas; log "CMAKE_ARGS would be: $(cuda_cmake_args)"; fi
    "$PYTHON" "$REPO/bench/gpu_offload.py" --self-test | sed 's/^/[gpu_offload] /'
}

step_wheel() {
    if "$PYTHON" -c "import llama_cpp, sys; sys.exit(0 if llama_cpp.llama_supports_gpu_offload() else 1)"; then
        log "llama-cpp-python already supports GPU offload: skipping the rebuild"
        return
    fi
    find_cublas install
    local source="llama-cpp-python==$LCP_VERSION"
    local cached="$CACHE_DIR/llama.cpp/sdist/llama_cpp_python-$LCP_VERSION.tar.gz"
    if [[ -n "${LCP_SDIST:-}" ]]; then source="$LCP_SDIST"; elif [[ -f "$cached" ]]; then source="$cached"; fi
    log "building llama-cpp-python with CUDA from $source (several minutes; --no-cache-dir, or pip reuses the CPU wheel)"
    CMAKE_ARGS="$(cuda_cmake_args)" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
        "$PYTHON" -m pip install --no-cache-dir --force-reinstall --no-deps "$source"
    "$PYTHON" -c "import llama_cpp, sys; sys.exit(0 if llama_cpp.llama_supports_gpu_offload() else 1)" \
        || die "the rebuilt llama-cpp-python still cannot offload (check the build log above for CUDA errors)"
    log "llama-cpp-python now offloads to the GPU"
}

step_server() {
    find_cublas install
    log "building llama-server with CUDA"
    CMAKE_ARGS="$(cuda_cmake_args)" PYTHON="$PYTHON" COURSE_CACHE_DIR="$CACHE_DIR" "$REPO/scripts/build_llama_server.sh"
}

step_model() {
    log "writing $MODEL (the llama-8b shape writes ~16 GB of F16, quantizes, then deletes the F16)"
    "$PYTHON" - "$MODEL" <<'EOF'
import sys
from course.measure.targets import model_path
print("[gpu_offload] model:", model_path(sys.argv[1]))
EOF
}

step_run() {
    mkdir -p "$OUT_DIR"
    if command -v nvcc >/dev/null; then find_cublas >/dev/null; fi  # LD_LIBRARY_PATH for a pip cuBLAS
    log "1/2 local backend, all layers on the GPU -> $OUT_DIR/offload.txt"
    "$PYTHON" "$REPO/bench/gpu_offload.py" --model "$MODEL" --json "$OUT_DIR/offload.json" "${QUICK[@]}" \
        | tee "$OUT_DIR/offload.txt"
    log "2/2 llama-server, $PARALLEL parallel slots -> $OUT_DIR/concurrency.txt"
    "$PYTHON" "$REPO/bench/concurrency.py" --gpu --parallel "$PARALLEL" --model "$MODEL" "${QUICK[@]}" \
        | tee "$OUT_DIR/concurrency.txt"
    log "figures in $OUT_DIR"
}

cd "$REPO"
case "$STEP" in
    check) step_check ;;
    wheel) step_wheel ;;
    server) step_server ;;
    model) step_model ;;
    run) step_run ;;
    all) step_check; step_wheel; step_server; step_model; step_run ;;
esac
