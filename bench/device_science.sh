#!/bin/bash
# One device call: the CUDA tests, then a lever grid for issue 12 on the machine's 16 CPU cores
# (CPU runs, one torch thread each: exploration only). Usage on the lent machine:
#   bash bench/device_science.sh 1   # round 1: single levers (bench/results/levers-*-round1-*)
#   bash bench/device_science.sh 2   # round 2: the best levers combined (…-round2-…)
export MNIST_DIR=$PWD/playground/engine/data/mnist_t10k PLAYGROUND_OFFLINE=1 PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
nvidia-smi -L | tee "$OUT/gpu.txt"
timeout 100 python3 -m pytest -q -p no:cacheprovider --tb=short tests/test_cuda.py > "$OUT/cuda.txt" 2>&1
grep -E "passed|failed" "$OUT/cuda.txt"
if [ "${1:-2}" = 1 ]; then
  timeout 300 python3 bench/levers.py --preset wgan-gp-fix --seeds 10-14 --at 2000,3500 --processes 15 \
    --variant base: --variant gp0.03:gp_lambda=0.03 --variant gp0.3:gp_lambda=0.3 \
    --variant gp1:gp_lambda=1.0 --variant gp10:gp_lambda=10.0 --variant ema99:g_ema=0.99 \
    --variant ema995:g_ema=0.995 --variant half2000:lr_half_life=2000 --variant b256:batch_size=256 \
    --variant b512:batch_size=512 --variant lrg1e-3:lr_g=0.001 --variant nd8:noise_dim=8 \
    --variant relu:activation=\"relu\" --variant w128:g_width=128,d_width=128 \
    --variant lrd3e-4:lr_d=0.0003 2>&1 | tee "$OUT/ring8.md"
  timeout 170 python3 bench/levers.py --preset grid25-wgan-gp --seeds 10-14 --at 2500,5000 --processes 15 \
    --variant base: --variant gp0.3:gp_lambda=0.3 --variant gp3:gp_lambda=3.0 \
    --variant ema99:g_ema=0.99 --variant b256:batch_size=256 --variant w128:g_width=128,d_width=128 \
    2>&1 | tee "$OUT/grid25.md"
else
  timeout 150 python3 bench/levers.py --preset wgan-gp-fix --seeds 15-19 --at 2500,3500 --processes 16 \
    --variant ema99+gp0.03:g_ema=0.99,gp_lambda=0.03 --variant ema99+b256:g_ema=0.99,batch_size=256 \
    --variant ema99+b256+gp0.03:g_ema=0.99,batch_size=256,gp_lambda=0.03 2>&1 | tee "$OUT/ring8.md"
  timeout 60 python3 bench/levers.py --preset mode-collapse --seeds 15-19 --at 2500 --processes 16 \
    --variant collapse+ema99+b256:g_ema=0.99,batch_size=256 2>&1 | tee -a "$OUT/ring8.md"
fi
