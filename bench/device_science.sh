#!/bin/bash
# One device call: the CUDA tests, then lever grids for issue 12 on the machine's 16 CPU cores
# (CPU runs, one torch thread each: exploration only; figures quoted in the README are
# re-measured on the 2-core machine). Usage on the lent machine: bash bench/device_science.sh
export MNIST_DIR=$PWD/playground/engine/data/mnist_t10k PLAYGROUND_OFFLINE=1 PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
nvidia-smi -L | tee "$OUT/gpu.txt"
timeout 100 python3 -m pytest -q -p no:cacheprovider --tb=short tests/test_cuda.py > "$OUT/cuda.txt" 2>&1
grep -E "passed|failed" "$OUT/cuda.txt"
timeout 150 python3 bench/levers.py --preset wgan-gp-fix --seeds 15-19 --at 2500,3500 --processes 16 \
  --variant ema99+gp0.03:g_ema=0.99,gp_lambda=0.03 --variant ema99+b256:g_ema=0.99,batch_size=256 \
  --variant ema99+b256+gp0.03:g_ema=0.99,batch_size=256,gp_lambda=0.03 2>&1 | tee "$OUT/ring8.md"
timeout 60 python3 bench/levers.py --preset mode-collapse --seeds 15-19 --at 2500 --processes 16 \
  --variant collapse+ema99+b256:g_ema=0.99,batch_size=256 2>&1 | tee -a "$OUT/ring8.md"
