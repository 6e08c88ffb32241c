"""Update latency of the kernel explorer: a control changes -> the new output PNG is ready.

    .venv/bin/python benchmarks/bench_widgets.py [--repeats 50] [--size 512]

On a 512x512 photograph with a 3x3 kernel it times, as a learner would trigger them, an edit of
one kernel cell, a move of the stride slider and a choice in the preset menu (each update runs
synchronously inside the ``.value`` assignment, so the time of the assignment is the latency).
Then it splits the cost: course_lib's correlate2d alone, torch's conv2d on the same data (for
the ratio), and the rest (colour mapping and PNG encoding). Target: median update <= 30 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch
import torch.nn.functional as F

from course_lib import conv
from course_lib.widgets.convolution import kernel_explorer

TARGET_MS = 30.0


def median_ms(fn, repeats: int, clock=time.perf_counter) -> float:
    times = []
    for k in range(repeats):
        t0 = clock()
        fn(k)
        times.append(clock() - t0)
    return 1e3 * statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--size", type=int, default=512)
    args = ap.parse_args()
    threads = torch.get_num_threads()

    ex = kernel_explorer(image="china", kernel="edge_detection_3", photo_size=args.size)
    image = ex.current_image()
    kernel = ex.read_kernel()
    print(f"kernel explorer on a {image.shape[0]}x{image.shape[1]} {image.dtype} photo, "
          f"3x3 kernel, {args.repeats} repeats, torch threads {threads}")

    def edit_cell(k):
        ex.cells[0][0].value = ("-1", "-2")[k % 2]

    def move_stride(k):
        ex.stride.value = 1 + k % 2

    presets = ["edge_detection_1", "sharpen", "box_blur", "edge_detection_3"]

    def pick_preset(k):
        ex.preset.value = presets[k % len(presets)]

    results = {}
    for name, fn in [("edit a kernel cell", edit_cell), ("move the stride slider", move_stride),
                     ("pick a preset kernel", pick_preset)]:
        fn(1)  # warm up
        results[name] = (median_ms(fn, args.repeats),
                         median_ms(fn, args.repeats, clock=time.process_time))
        assert ex.message == "", ex.message
    ex.stride.value = 1

    x_t = torch.from_numpy(image)[None, None]
    k_t = torch.from_numpy(kernel)[None, None]
    ours = median_ms(lambda _: conv.correlate2d(image, kernel), args.repeats)
    theirs = median_ms(lambda _: F.conv2d(x_t, k_t), args.repeats)
    update = median_ms(lambda _: ex.update(), args.repeats)

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; wall-clock times grow "
          "with the load, CPU times (this process only) much less\n")
    for name, (ms, cpu) in results.items():
        print(f"  {name:26s} median {ms:7.1f} ms wall, {cpu:7.1f} ms CPU")
    print(f"  {'update() itself':26s} median {update:7.1f} ms wall")
    print()
    print(f"  of which course_lib.conv.correlate2d  {ours:7.1f} ms "
          f"(torch conv2d {theirs:.1f} ms, ratio ours/torch {ours / theirs:.2g})")
    print(f"  the rest (colours, PNG, labels)      {max(update - ours, 0.0):7.1f} ms")
    worst = max(ms for ms, _ in results.values())
    verdict = "meets" if worst <= TARGET_MS else "MISSES"
    print(f"\nslowest median {worst:.1f} ms wall: {verdict} the target of {TARGET_MS:.0f} ms")


if __name__ == "__main__":
    main()
