"""course_lib.kernels: the lecture's filters, their sums, and what they do to flat images."""

import numpy as np
import pytest
import scipy.signal

from course_lib.conv import convolve2d, correlate2d
from course_lib.kernels import EDGE_DETECTORS, KERNELS, get_kernel

LECTURE = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "edge_detection_1": [[1, 0, -1], [0, 0, 0], [-1, 0, 1]],
    "edge_detection_2": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "edge_detection_3": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
}
REQUIRED = set(LECTURE) | {"sharpen", "box_blur", "gaussian_blur"}


def test_required_kernels_exist_as_float64_3x3():
    assert REQUIRED <= set(KERNELS)
    for name, k in KERNELS.items():
        assert k.shape == (3, 3) and k.dtype == np.float64, name


@pytest.mark.parametrize("name", sorted(LECTURE))
def test_lecture_kernels_have_the_slides_values(name):
    np.testing.assert_array_equal(get_kernel(name), LECTURE[name])


@pytest.mark.parametrize("name", EDGE_DETECTORS)
def test_edge_detectors_sum_to_zero_and_ignore_flat_images(name):
    k = get_kernel(name)
    assert k.sum() == 0
    flat = np.full((9, 8), 0.7)
    for out in (correlate2d(flat, k), convolve2d(flat, k), correlate2d(flat, k, stride=2)):
        np.testing.assert_allclose(out, 0.0, atol=1e-12)


@pytest.mark.parametrize("name", EDGE_DETECTORS)
def test_edge_detectors_respond_to_an_edge(name):
    # a bright square: edges and corners (edge_detection_1 is a mixed second derivative,
    # blind to straight edges, but not to corners)
    image = np.zeros((9, 9))
    image[3:6, 3:6] = 1.0
    assert np.abs(correlate2d(image, get_kernel(name))).max() > 0


@pytest.mark.parametrize("name", ["box_blur", "gaussian_blur", "sharpen", "identity"])
def test_smoothing_kernels_keep_flat_images(name):
    k = get_kernel(name)
    assert k.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(correlate2d(np.full((6, 6), 3.0), k), 3.0)


def test_identity_returns_the_interior_and_blur_matches_scipy():
    image = np.random.default_rng(0).standard_normal((7, 9))
    np.testing.assert_array_equal(correlate2d(image, get_kernel("identity")), image[1:-1, 1:-1])
    np.testing.assert_allclose(
        convolve2d(image, get_kernel("gaussian_blur")),
        scipy.signal.convolve2d(image, KERNELS["gaussian_blur"], mode="valid"),
    )


def test_get_kernel_returns_a_writable_copy_and_the_table_is_read_only():
    k = get_kernel("sharpen")
    k[1, 1] = 100.0
    assert KERNELS["sharpen"][1, 1] == 5.0
    with pytest.raises(ValueError, match="read-only"):
        KERNELS["sharpen"][0, 0] = 1.0
