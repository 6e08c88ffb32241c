"""Time course_lib.lstm.lstm_forward against torch.nn.LSTM on the CPU, side by side.

    .venv/bin/python benchmarks/bench_lstm.py [--threads N] [--repeats R]

Both run the same float32 problem (T=100, N=32, D=H=64 by default) with the same number of
threads (NumPy's BLAS and torch are both limited to ``--threads``); the script checks that the two
agree, then prints the best-of-R time of each and the ratio ours / torch (target: at most 2).
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, help="threads for NumPy's BLAS and torch")
    ap.add_argument("--repeats", type=int, default=15, help="timing rounds (the best is kept)")
    ap.add_argument("-T", type=int, default=100)
    ap.add_argument("-N", type=int, default=32)
    ap.add_argument("-D", type=int, default=64)
    ap.add_argument("-H", type=int, default=64)
    args = ap.parse_args(argv)
    # The BLAS reads its thread count when NumPy is first imported.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    import numpy as np
    import torch

    from course_lib.lstm import LSTMParams, lstm_forward

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(args.D, args.H)  # float32
    params = LSTMParams.from_torch(lstm)
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((args.T, args.N, args.D)).astype(np.float32)
    h0 = np.zeros((args.N, args.H), np.float32)
    s0 = np.zeros((args.N, args.H), np.float32)
    x_t = torch.from_numpy(xs)
    state = (torch.from_numpy(h0)[None], torch.from_numpy(s0)[None])

    def ours():
        return lstm_forward(xs, h0, s0, params)

    def theirs():
        with torch.no_grad():
            return lstm(x_t, state)

    err = float(np.max(np.abs(ours().h - theirs()[0].numpy())))
    if err > 1e-4:
        print(f"outputs differ by {err:.3g}; not timing a wrong result", file=sys.stderr)
        return 1
    number = 5
    # Interleaved, so that a busy machine slows both alike; the best round of each is kept.
    rounds = [(timeit.timeit(ours, number=number), timeit.timeit(theirs, number=number))
              for _ in range(args.repeats)]
    t_ours = min(r[0] for r in rounds) / number
    t_torch = min(r[1] for r in rounds) / number
    print(f"LSTM forward, float32, T={args.T} N={args.N} D={args.D} H={args.H}, "
          f"{args.threads} thread(s); max |difference| {err:.2g}")
    print(f"  course_lib.lstm_forward  {t_ours * 1e3:8.3f} ms")
    print(f"  torch.nn.LSTM            {t_torch * 1e3:8.3f} ms")
    print(f"  ratio ours / torch       {t_ours / t_torch:8.2f}   (target <= 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
