#!/usr/bin/env bash
# The GPU check that fits a short slot on an offline GPU machine (target: under 10 minutes on 16 cores).
# NOT RUN ON A GPU YET: written on a CPU-only machine, where its CPU mode and dry run are tested
# (tests/test_gpu_script.py). See bench/README.md.
#
# ONE CMake build from the llama-cpp-python sdist already on disk (no download) gives both halves:
# libllama (loaded by the Python bindings through LLAMA_CPP_LIB_PATH) and llama-server. Then:
#   1. gpu_offload.py: decode tok/s with every layer on the GPU, ÷ (measured GPU copy bandwidth ÷ bytes per token)
#   2. concurrency.py --gpu: llama-server aggregate tok/s at PARALLEL streams ÷ 1 stream
#
# Steps (each can run alone): check, build, model, run; `all` runs them in order. `pack` (on the machine
# that has the sdist) writes a trimmed copy of the source small enough to carry to a device machine.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LCP_VERSION="0.3.36"
CACHE_DIR="${COURSE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/open-vs-frontier}"
USER_MODEL="${MODEL:-}"
USER_PARALLEL="${PARALLEL:-}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$REPO/.venv/bin/python" ]]; then PYTHON="$REPO/.venv/bin/python"; else PYTHON="python3"; fi
fi

usage() {
    cat <<EOF
Usage: bench/gpu_offload.sh [check|build|model|run|all|pack] [--cpu] [--quick] [--dry-run] [--no-build]

The course's GPU check for a machine lent for a short slot, offline (default step: all).

  check     GPU, nvcc, cuBLAS, cmake, the sdist on disk, the course's Python, bandwidth-lookup self-test
  build     ONE CMake build of the vendored llama.cpp: libllama (CUDA) + llama-server, from the sdist
  model     write the synthetic model (\$MODEL; llama-1b: ~2.5 GB of F16 on the way, ~0.7 GB kept)
  run       roofline ratio (gpu_offload.py) and llama-server concurrency sweep (concurrency.py --gpu)
  all       check, build, model, run; prints the time each took
  pack      write bench/results/llama-src-$LCP_VERSION.tar.gz: the sdist without llama.cpp's models/,
            docs/ and examples/ data (about 10 MB instead of 73), to carry to an offline GPU machine
            and use there as LCP_SDIST

Options:
  --cpu       CPU mode (no CUDA): the same steps, checked on a machine without a GPU
  --quick     fewer repetitions and tokens
  --dry-run   resolve and print every step's inputs and commands; run nothing that builds or times
  --no-build  skip 'build': use the installed llama-cpp-python and the course's llama-server

Environment:
  PYTHON            Python with the course installed (default: .venv/bin/python, else python3)
  LCP_SDIST         llama_cpp_python-$LCP_VERSION.tar.gz (default: the one \`make setup\` keeps in
                    \$COURSE_CACHE_DIR/llama.cpp/sdist, else pip's download cache)
  CUDA_ARCH         CUDA architecture (default: from nvidia-smi's compute capability, else 90)
  MODEL             model to time (default: synthetic:llama-1b; CPU mode: synthetic:roofline-90m:Q4_0)
  PARALLEL          llama-server slots and streams (default: 8; CPU mode: 2)
  JOBS              build jobs (default: nproc)
  BUILD_DIR         build folder (default: \$COURSE_CACHE_DIR/llama.cpp/build-gpu, or build-cpu-check)
  OUT_DIR           figures (default: bench/results/gpu-<time>)
EOF
}

log() { printf '[gpu_offload] %s\n' "$*"; }
warn() { printf '[gpu_offload] warning: %s\n' "$*" >&2; }
die() { printf '[gpu_offload] error: %s\n' "$*" >&2; exit 1; }

STEP="all"
CPU=0
QUICK=()
DRY=0
NO_BUILD=0
for arg in "$@"; do
    case "$arg" in
        -h | --help) usage; exit 0 ;;
        --cpu) CPU=1 ;;
        --quick) QUICK=(--quick) ;;
        --dry-run) DRY=1 ;;
        --no-build) NO_BUILD=1 ;;
        check | build | model | run | all | pack) STEP="$arg" ;;
        wheel | server) die "'$arg' is gone: 'build' makes libllama and llama-server in one CMake build" ;;
        *) die "unknown argument '$arg' (see --help)" ;;
    esac
done
if [[ "$CPU" -eq 1 ]]; then
    MODEL="${USER_MODEL:-synthetic:roofline-90m:Q4_0}"
    PARALLEL="${USER_PARALLEL:-2}"
    BUILD_DIR="${BUILD_DIR:-$CACHE_DIR/llama.cpp/build-cpu-check}"
else
    MODEL="${USER_MODEL:-synthetic:llama-1b}"
    PARALLEL="${USER_PARALLEL:-8}"
    BUILD_DIR="${BUILD_DIR:-$CACHE_DIR/llama.cpp/build-gpu}"
fi
OUT_DIR="${OUT_DIR:-$REPO/bench/results/gpu-$(date +%Y%m%d-%H%M%S)}"
SRC_ROOT="$CACHE_DIR/llama.cpp/src"
LLAMA_SRC="$SRC_ROOT/llama_cpp_python-$LCP_VERSION/vendor/llama.cpp"

run() {
    # print a command; run it unless --dry-run
    printf '[gpu_offload] $ %s\n' "$*"
    [[ "$DRY" -eq 1 ]] || "$@"
}

# --- the sdist already on disk --------------------------------------------------------------------
find_sdist() {
    local name="llama_cpp_python-$LCP_VERSION.tar.gz" found
    if [[ -n "${LCP_SDIST:-}" ]]; then
        [[ -f "$LCP_SDIST" ]] || die "LCP_SDIST=$LCP_SDIST does not exist"
        echo "$LCP_SDIST"; return
    fi
    if [[ -f "$CACHE_DIR/llama.cpp/sdist/$name" ]]; then echo "$CACHE_DIR/llama.cpp/sdist/$name"; return; fi
    # pip's own cache keeps downloads under hashed names: look for the archive by its content
    found="$("$PYTHON" - "$name" <<'EOF' 2>/dev/null || true
import pathlib, subprocess, sys, tarfile
try:
    cache = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True).stdout.strip()
except OSError:
    cache = ""
for path in sorted(pathlib.Path(cache or "/nonexistent").rglob("*")) if cache else []:
    if path.is_file() and path.stat().st_size > 50_000_000:
        try:
            with tarfile.open(path) as tar:
                if tar.next().name.startswith(sys.argv[1].removesuffix(".tar.gz")):
                    print(path)
                    break
        except (tarfile.TarError, OSError, AttributeError):
            continue
EOF
)"
    [[ -n "$found" ]] && { echo "$found"; return; }
    if [[ -d "$LLAMA_SRC" ]]; then echo "(extracted) $LLAMA_SRC"; return; fi
    return 1
}

# --- cuBLAS (system, or NVIDIA's Python package already installed) ---------------------------------
CUBLAS_CMAKE=""
SHIM="$CACHE_DIR/cuda-shim"

system_cublas() {
    local root
    root="$(dirname "$(dirname "$(command -v nvcc)")")"
    compgen -G "$root/lib64/libcublas.so*" >/dev/null || compgen -G "$root/targets/*/lib/libcublas.so*" >/dev/null \
        || ldconfig -p 2>/dev/null | grep -q 'libcublas\.so'
}

pip_cublas_dirs() {
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

find_cublas() {
    command -v nvcc >/dev/null || die "nvcc not found: install the CUDA toolkit (or put its bin/ on PATH), or use --cpu"
    CUBLAS_CMAKE=""
    if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so '; then
        local real
        real="$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{print $NF; exit}')"
        if [[ -n "$real" ]]; then
            mkdir -p "$SHIM/lib"
            ln -sfn "$real" "$SHIM/lib/libcuda.so"
            CUBLAS_CMAKE+=" -DCUDA_cuda_driver_LIBRARY=$SHIM/lib/libcuda.so"
        fi
    fi
    if system_cublas; then log "cuBLAS: in the CUDA toolkit / system libraries"; return; fi
    local dirs lib inc name real
    dirs="$(pip_cublas_dirs)"
    [[ -n "$dirs" ]] || die "no cuBLAS: neither in the CUDA toolkit nor as NVIDIA's Python package (offline:
    pip install nvidia-cublas-cu12 --no-index --find-links DIR with its wheel, then rerun)"
    read -r lib inc <<<"$dirs"
    mkdir -p "$SHIM/lib"
    ln -sfn "$inc" "$SHIM/include"
    for name in cublas cublasLt; do
        real="$(find "$lib" -maxdepth 1 -name "lib$name.so.*" | sort | head -n 1)"
        [[ -n "$real" ]] || die "no lib$name.so.* in $lib"
        ln -sfn "$real" "$SHIM/lib/lib$name.so"
    done
    export LD_LIBRARY_PATH="$SHIM/lib:$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    CUBLAS_CMAKE+=" -DCUDA_cublas_LIBRARY=$SHIM/lib/libcublas.so -DCUDA_cublasLt_LIBRARY=$SHIM/lib/libcublasLt.so"
    CUBLAS_CMAKE+=" -DCMAKE_CUDA_FLAGS=-I$SHIM/include -DCMAKE_CXX_FLAGS=-I$SHIM/include"
    log "cuBLAS: NVIDIA's Python package ($lib), through the shim $SHIM"
}

cuda_arch() {
    if [[ -n "${CUDA_ARCH:-}" ]]; then echo "$CUDA_ARCH"; return; fi
    local cap
    cap="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n 1 | tr -d ' .')"
    echo "${cap:-90}"
}

build_flags() {
    # what the server needs and no more: no tests, examples, web UI download, curl; shared libs for Python
    local flags=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_BUILD_COMMON=ON -DLLAMA_BUILD_TOOLS=ON
        -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF
        -DLLAMA_BUILD_UI=OFF -DLLAMA_CURL=OFF)
    if [[ "$CPU" -eq 0 ]]; then
        flags+=(-DGGML_CUDA=on "-DCMAKE_CUDA_ARCHITECTURES=$(cuda_arch)")
        # shellcheck disable=SC2206
        flags+=($CUBLAS_CMAKE)
    fi
    echo "${flags[@]}"
}

# --- steps ----------------------------------------------------------------------------------------
step_check() {
    log "repo $REPO; python $PYTHON; model $MODEL; parallel $PARALLEL; mode $([[ $CPU -eq 1 ]] && echo CPU || echo GPU)"
    if [[ "$CPU" -eq 0 ]]; then
        command -v nvidia-smi >/dev/null || die "no nvidia-smi: no NVIDIA GPU here (use --cpu to check the plumbing)"
        nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader \
            | sed 's/^/[gpu_offload] GPU: /'
        log "nvcc: $(nvcc --version | tail -n 1)"
        find_cublas
        log "CUDA architecture: $(cuda_arch)"
    fi
    local tool
    for tool in cmake c++; do command -v "$tool" >/dev/null || die "'$tool' not found"; done
    log "cmake: $(cmake --version | head -n 1)"
    if [[ "$NO_BUILD" -eq 0 ]]; then
        local sdist
        sdist="$(find_sdist)" || die "no llama-cpp-python $LCP_VERSION sdist on disk: set LCP_SDIST, or run \`make setup\`
    once online (it keeps the sdist in $CACHE_DIR/llama.cpp/sdist)"
        log "llama.cpp source: $sdist"
    fi
    "$PYTHON" -c "import course, llama_cpp; print('[gpu_offload] course', course.__file__, '| llama-cpp-python', llama_cpp.__version__)" \
        || die "$PYTHON cannot import the course (make setup)"
    local script
    for script in gpu_offload.py concurrency.py; do
        "$PYTHON" "$REPO/bench/$script" --help >/dev/null || die "bench/$script --help failed"
    done
    "$PYTHON" "$REPO/bench/gpu_offload.py" --self-test | sed 's/^/[gpu_offload] /'
    log "build folder: $BUILD_DIR; figures: $OUT_DIR"
}

step_build() {
    if [[ "$NO_BUILD" -eq 1 ]]; then log "build: skipped (--no-build)"; return; fi
    local sdist flags
    sdist="$(find_sdist)" || die "no sdist on disk (see check)"
    if [[ ! -f "$LLAMA_SRC/CMakeLists.txt" ]]; then
        run mkdir -p "$SRC_ROOT"
        run tar -xzf "$sdist" -C "$SRC_ROOT"
    fi
    [[ "$CPU" -eq 1 ]] || find_cublas
    flags="$(build_flags)"
    # shellcheck disable=SC2086
    run cmake -S "$LLAMA_SRC" -B "$BUILD_DIR" $flags
    run cmake --build "$BUILD_DIR" -j"$JOBS" --target llama llama-server
    if [[ "$DRY" -eq 0 ]]; then
        [[ -x "$BUILD_DIR/bin/llama-server" && -f "$BUILD_DIR/bin/libllama.so" ]] \
            || die "the build left no bin/llama-server or bin/libllama.so in $BUILD_DIR"
    fi
}

# the environment that makes Python load the fresh libllama and the course start the fresh server
use_build() {
    if [[ "$NO_BUILD" -eq 0 ]]; then
        export LLAMA_CPP_LIB_PATH="$BUILD_DIR/bin"
        export COURSE_LLAMA_SERVER="$BUILD_DIR/bin/llama-server"
        log "LLAMA_CPP_LIB_PATH=$LLAMA_CPP_LIB_PATH COURSE_LLAMA_SERVER=$COURSE_LLAMA_SERVER"
    fi
}

step_model() {
    log "model $MODEL (written once into $CACHE_DIR/models)"
    use_build
    local code="from course.models.resolve import resolve_model; print('[gpu_offload] model:', resolve_model('$MODEL'))"
    if [[ "$DRY" -eq 1 ]]; then
        "$PYTHON" -c "from course.models.resolve import resolve_model; import course.models.synthetic as s; \
name = '$MODEL'.split(':')[1] if '$MODEL'.startswith('synthetic:') else None; \
assert name is None or name in s.SYNTHETIC_SHAPES, name; print('[gpu_offload] model resolves: $MODEL')"
    fi
    run "$PYTHON" -c "$code"
}

step_run() {
    use_build
    [[ "$CPU" -eq 1 || "$NO_BUILD" -eq 1 ]] || { command -v nvcc >/dev/null && find_cublas >/dev/null; } || true
    run mkdir -p "$OUT_DIR"
    local gpu_flag=(--gpu) cpu_flag=() reps=()
    if [[ "$CPU" -eq 1 ]]; then gpu_flag=(); cpu_flag=(--allow-cpu); reps=(--reps 1); fi
    log "1/2 roofline: all layers offloaded -> $OUT_DIR/offload.txt"
    if [[ "$DRY" -eq 1 ]]; then
        run "$PYTHON" "$REPO/bench/gpu_offload.py" --model "$MODEL" --json "$OUT_DIR/offload.json" "${cpu_flag[@]}" "${QUICK[@]}"
    else
        "$PYTHON" "$REPO/bench/gpu_offload.py" --model "$MODEL" --json "$OUT_DIR/offload.json" \
            "${cpu_flag[@]}" "${QUICK[@]}" | tee "$OUT_DIR/offload.txt"
    fi
    log "2/2 llama-server, $PARALLEL slots -> $OUT_DIR/concurrency.txt"
    if [[ "$DRY" -eq 1 ]]; then
        run "$PYTHON" "$REPO/bench/concurrency.py" "${gpu_flag[@]}" --parallel "$PARALLEL" --model "$MODEL" "${reps[@]}" "${QUICK[@]}"
    else
        "$PYTHON" "$REPO/bench/concurrency.py" "${gpu_flag[@]}" --parallel "$PARALLEL" --model "$MODEL" \
            "${reps[@]}" "${QUICK[@]}" | tee "$OUT_DIR/concurrency.txt"
        log "RATIO lines:"
        grep -h '^RATIO' "$OUT_DIR/offload.txt" "$OUT_DIR/concurrency.txt" | sed 's/^/[gpu_offload]   /' || true
    fi
}

step_pack() {
    local sdist out tmp
    sdist="$(find_sdist)" || die "no sdist on disk to pack (set LCP_SDIST)"
    [[ "$sdist" != "(extracted)"* ]] || die "only an extracted source here; set LCP_SDIST to the .tar.gz"
    out="${PACK_OUT:-$REPO/bench/results/llama-src-$LCP_VERSION.tar.gz}"
    tmp="$(mktemp -d)"
    run tar -xzf "$sdist" -C "$tmp" --exclude='*/vendor/llama.cpp/models/*' --exclude='*/vendor/llama.cpp/docs/*' \
        --exclude='*/vendor/llama.cpp/examples/*/*.gguf' --exclude='*/.git/*'
    run mkdir -p "$(dirname "$out")"
    run tar -czf "$out" -C "$tmp" "llama_cpp_python-$LCP_VERSION"
    rm -rf "$tmp"
    [[ "$DRY" -eq 1 ]] || log "packed $(du -h "$out" | cut -f1) into $out (carry it; LCP_SDIST=<its path> there)"
}

timed() {
    local name="$1" start
    start=$(date +%s)
    "step_$name"
    log "step $name: $(($(date +%s) - start)) s"
}

cd "$REPO"
START=$(date +%s)
case "$STEP" in
    all) for s in check build model run; do timed "$s"; done ;;
    *) timed "$STEP" ;;
esac
log "total $(($(date +%s) - START)) s$([[ "$DRY" -eq 1 ]] && echo ' (dry run: nothing built or timed)')"
