"""Time course_lib.conv.conv2d against torch.nn.functional.conv2d on VGG-like layers.

Run:  .venv/bin/python benchmarks/bench_conv.py [--repeats 5] [--quick] [--threads T]

Both run in this one process, float32, with the same number of threads: torch is set to the
size of the thread pool NumPy's BLAS uses. For each layer shape the two are timed in turn,
``repeats`` times (interleaved, so that load from other processes hits both alike), and the best
time of each is kept. The table shows the ratio ours / torch per shape and the median ratio.
Each result is also checked against torch, so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

from course_lib.conv import conv2d, conv_output_size

# (N, C, K, H=W, kernel, stride, padding): VGG's 3x3/pad-1 layers at every stage, with batch and
# size scaled down where the full layer would make the suite too long on two cores.
SUITE = [
    (1, 3, 64, 224, 3, 1, 1),  # conv1_1
    (1, 64, 64, 112, 3, 1, 1),  # conv1_2, half size
    (1, 64, 128, 112, 3, 1, 1),  # conv2_1
    (2, 128, 128, 56, 3, 1, 1),  # conv2_2, half size
    (1, 128, 256, 56, 3, 1, 1),  # conv3_1
    (2, 256, 256, 28, 3, 1, 1),  # conv3_2, half size
    (1, 256, 512, 28, 3, 1, 1),  # conv4_1
    (4, 512, 512, 14, 3, 1, 1),  # conv5_x
    (2, 64, 128, 56, 3, 2, 1),  # a strided 3x3 (ResNet-style downsampling)
    (4, 3, 32, 32, 5, 1, 0),  # a small 5x5 layer, CIFAR-like
]


def blas_info() -> tuple[str, int]:
    """The BLAS NumPy calls and its thread-pool size (threadpoolctl if present)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)", os.cpu_count() or 1
    for pool in threadpool_info():
        if pool.get("user_api") == "blas" and "numpy" in pool.get("filepath", ""):
            name = f"{pool['internal_api']} {pool.get('version')} ({pool.get('architecture')})"
            return name, int(pool["num_threads"])
    return "unknown", os.cpu_count() or 1


def timed(fn) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) for one call of ``fn``."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def time_pair(ours, theirs, repeats: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best (wall, cpu) of ``repeats`` calls of each, interleaved: ours, theirs, ours, ..."""
    best_ours = best_theirs = (float("inf"), float("inf"))
    for _ in range(repeats):
        best_ours = tuple(map(min, best_ours, timed(ours)))
        best_theirs = tuple(map(min, best_theirs, timed(theirs)))
    return best_ours, best_theirs


def run(suite, repeats: int) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(0)
    wall_ratios, cpu_ratios = [], []
    header = f"{'N':>2} {'C':>4} {'K':>4} {'H=W':>4} {'k':>2} {'s':>2} {'p':>2} {'GFLOP':>6} "
    header += f"{'ours ms':>9} {'torch ms':>9} {'ratio':>6} {'cpu ratio':>9}"
    print(header)
    print("-" * len(header))
    for n, c, k, hw, ks, s, p in suite:
        x = rng.standard_normal((n, c, hw, hw), dtype=np.float32)
        w = rng.standard_normal((k, c, ks, ks), dtype=np.float32) / np.float32(np.sqrt(c * ks * ks))
        b = rng.standard_normal(k, dtype=np.float32)
        xt, wt, bt = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)

        def ours(x=x, w=w, b=b, s=s, p=p):
            return conv2d(x, w, b, stride=s, padding=p)

        def theirs(xt=xt, wt=wt, bt=bt, s=s, p=p):
            with torch.no_grad():
                return F.conv2d(xt, wt, bt, stride=s, padding=p)

        ours_out, torch_out = ours(), theirs().numpy()  # warm-up, and the correctness check
        np.testing.assert_allclose(ours_out, torch_out, rtol=1e-3, atol=1e-3)
        assert ours_out.dtype == np.float32 and ours_out.shape == torch_out.shape
        (w_ours, c_ours), (w_torch, c_torch) = time_pair(ours, theirs, repeats)
        ho = conv_output_size(hw, ks, s, p)
        gflop = 2 * n * k * ho * ho * c * ks * ks / 1e9
        wall_ratios.append(w_ours / w_torch)
        cpu_ratios.append(c_ours / c_torch)
        print(
            f"{n:>2} {c:>4} {k:>4} {hw:>4} {ks:>2} {s:>2} {p:>2} {gflop:>6.2f} "
            f"{w_ours * 1e3:>9.2f} {w_torch * 1e3:>9.2f} {wall_ratios[-1]:>6.2f} "
            f"{cpu_ratios[-1]:>9.2f}",
            flush=True,
        )
    return wall_ratios, cpu_ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timings per shape (best kept)")
    parser.add_argument("--quick", action="store_true", help="only the four smallest shapes")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads for both (default: the size of NumPy's BLAS thread pool)",
    )
    args = parser.parse_args()

    blas, threads = blas_info()
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
        threads = args.threads
    torch.set_num_threads(threads)
    print(f"numpy {np.__version__}, BLAS: {blas}, BLAS threads: {threads}")
    print(
        f"torch {torch.__version__}, threads: {torch.get_num_threads()}, "
        f"mkldnn: {torch.backends.mkldnn.is_available()}"
    )
    print(
        f"CPU: {platform.processor() or platform.machine()}, cores: {os.cpu_count()}, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}"
    )
    print(f"float32, best of {args.repeats} interleaved runs per shape\n")
    suite = sorted(SUITE, key=lambda t: t[0] * t[1] * t[2] * t[3] ** 2)[:4] if args.quick else SUITE
    t0 = time.perf_counter()
    wall, cpu = run(suite, args.repeats)
    print(
        f"\nmedian ratio ours/torch: {statistics.median(wall):.2f} wall-clock "
        f"(min {min(wall):.2f}, max {max(wall):.2f}), {statistics.median(cpu):.2f} CPU time; "
        f"target <= 1.5; suite took {time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()
