"""Named 3x3 convolution kernels (filters), among them the lecture's.

``KERNELS`` maps a name to a read-only float64 array of shape (3, 3); :func:`get_kernel`
returns a writable copy. The lecture shows the identity and three edge detectors:

* ``edge_detection_1`` [[1, 0, -1], [0, 0, 0], [-1, 0, 1]] responds to diagonal structure,
* ``edge_detection_2`` [[0, 1, 0], [1, -4, 1], [0, 1, 0]] is the 4-neighbour Laplacian,
* ``edge_detection_3`` [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]] the 8-neighbour Laplacian.

Every edge detector (the names in ``EDGE_DETECTORS``) sums to zero, so a flat image gives no
response at all. The blurs sum to one, so they keep a flat image as it is.
"""

from __future__ import annotations

import numpy as np

__all__ = ["KERNELS", "EDGE_DETECTORS", "get_kernel"]


def _frozen(rows, scale=1.0) -> np.ndarray:
    arr = np.array(rows, dtype=np.float64) * scale
    arr.setflags(write=False)
    return arr


KERNELS: dict[str, np.ndarray] = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "edge_detection_1": _frozen([[1, 0, -1], [0, 0, 0], [-1, 0, 1]]),
    "edge_detection_2": _frozen([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "edge_detection_3": _frozen([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "sobel_x": _frozen([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "sobel_y": _frozen([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "box_blur": _frozen(np.ones((3, 3)), 1.0 / 9.0),
    "gaussian_blur": _frozen([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1.0 / 16.0),
}

#: The kernels that respond to change only: each sums to zero.
EDGE_DETECTORS: tuple[str, ...] = (
    "edge_detection_1",
    "edge_detection_2",
    "edge_detection_3",
    "sobel_x",
    "sobel_y",
)


def get_kernel(name: str) -> np.ndarray:
    """A writable float64 copy of the kernel called ``name``.

    Args:
        name (str): one of ``KERNELS``' keys, e.g. ``"edge_detection_3"``.

    Returns:
        ndarray: shape ``(3, 3)``, float64.

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: ``name`` is not a known kernel; the message lists the valid names.

    Example::

        >>> get_kernel("edge_detection_2")
        array([[ 0.,  1.,  0.],
               [ 1., -4.,  1.],
               [ 0.,  1.,  0.]])
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a kernel name (str), got {type(name).__name__} {name!r}; "
                        f"valid names: {', '.join(sorted(KERNELS))}")
    if name not in KERNELS:
        raise ValueError(
            f"name {name!r} is not a known kernel; valid names: {', '.join(sorted(KERNELS))}"
        )
    return KERNELS[name].copy()
