"""Bad input to the CNN numerics, case by case: each error names the argument, the value it got
and what would be valid."""

import re

import numpy as np
import pytest

from course_lib import activations, conv, pooling
from course_lib.kernels import get_kernel

X = np.ones((2, 3, 6, 6), np.float32)  # (N, C, H, W)
W = np.ones((4, 3, 3, 3), np.float32)  # (K, C, kh, kw)
IMG = np.ones((5, 5))
K3 = np.ones((3, 3))
NAN = float("nan")

# (label, call, exception type, regex the message must match)
# fmt: off
CASES = [
    # wrong ndim
    ("conv2d x 3-D", lambda: conv.conv2d(X[0], W), ValueError,
     r"x must have shape \(N, C, H, W\).*got shape \(3, 6, 6\) with 3 dimensions"),
    ("conv2d weight 3-D", lambda: conv.conv2d(X, W[0]), ValueError,
     r"weight must have shape \(K, C, kh, kw\).*got shape \(3, 3, 3\)"),
    ("correlate2d image 3-D", lambda: conv.correlate2d(X[0], K3), ValueError,
     r"image must have shape \(H, W\).*got shape \(3, 6, 6\)"),
    ("convolve2d kernel 1-D", lambda: conv.convolve2d(IMG, np.ones(3)), ValueError,
     r"kernel must have shape \(kh, kw\).*got shape \(3,\)"),
    ("naive kernel 4-D", lambda: conv.correlate2d_naive(IMG, W), ValueError,
     r"kernel must have shape \(kh, kw\).*got shape \(4, 3, 3, 3\)"),
    ("pad2d x 1-D", lambda: conv.pad2d(np.ones(4), 1), ValueError,
     r"x must have at least 2 dimensions.*got shape \(4,\)"),
    ("max_pool2d x 1-D", lambda: pooling.max_pool2d(np.ones(4)), ValueError,
     r"x must have shape \(H, W\), \(C, H, W\) or \(N, C, H, W\).*got shape \(4,\)"),
    ("avg_pool2d x 5-D", lambda: pooling.avg_pool2d(np.ones((1, 1, 1, 4, 4))), ValueError,
     r"x must have shape .*got shape \(1, 1, 1, 4, 4\) with 5 dimensions"),
    ("softmax x 0-D", lambda: activations.softmax(np.float64(1)), ValueError,
     r"x must have at least 1 dimension"),
    # channel mismatch and other shape mismatches
    ("channel mismatch", lambda: conv.conv2d(X, np.ones((4, 2, 3, 3))), ValueError,
     r"weight has 2 input channels \(shape \(4, 2, 3, 3\)\) but x has 3 channels.*weight must have shape \(K, 3, kh, kw\)"),
    ("bias shape", lambda: conv.conv2d(X, W, bias=np.ones(3)), ValueError,
     r"bias must have shape \(4,\).*got shape \(3,\)"),
    ("dout shape", lambda: conv.conv2d_backward(np.ones((2, 4, 6, 6)), X, W), ValueError,
     r"dout must have the shape of conv2d's output .* = \(2, 4, 4, 4\), got shape \(2, 4, 6, 6\)"),
    ("backward channel mismatch", lambda: conv.conv2d_backward(np.ones((2, 4, 4, 4)), X, W[:, :2]), ValueError,
     r"weight has 2 input channels"),
    # stride < 1
    ("stride 0", lambda: conv.conv2d(X, W, stride=0), ValueError,
     r"stride must be an integer >= 1 or a pair of them \(height, width\), got 0"),
    ("stride pair with 0", lambda: conv.correlate2d(IMG, K3, stride=(1, 0)), ValueError,
     r"stride must be an integer >= 1 .*got \(1, 0\)"),
    ("stride -2", lambda: pooling.max_pool2d(IMG, 2, stride=-2), ValueError,
     r"stride must be an integer >= 1 .*got -2"),
    ("conv_output_size stride 0", lambda: conv.conv_output_size(5, 3, stride=0), ValueError,
     r"stride must be an integer >= 1, got 0"),
    ("dilation 0", lambda: conv.conv_output_size(5, 3, dilation=0), ValueError,
     r"dilation must be an integer >= 1, got 0"),
    # negative padding
    ("padding -1", lambda: conv.conv2d(X, W, padding=-1), ValueError,
     r"padding must be an integer >= 0 or a pair of them \(height, width\), got -1"),
    ("padding pair negative", lambda: conv.pad2d(IMG, (0, -2)), ValueError,
     r"padding must be an integer >= 0 .*got \(0, -2\)"),
    ("conv_output_size padding -1", lambda: conv.conv_output_size(5, 3, padding=-1), ValueError,
     r"padding must be an integer >= 0, got -1"),
    ("padding three numbers", lambda: conv.conv2d(X, W, padding=(1, 1, 1)), ValueError,
     r"padding must be .* pair .*got \(1, 1, 1\) with 3 elements"),
    ("pool padding more than half the kernel", lambda: pooling.max_pool2d(IMG, 2, padding=2), ValueError,
     r"padding \(2, 2\) must be at most half of kernel_size \(2, 2\).*at most \(1, 1\)"),
    # kernel larger than the padded input
    ("conv kernel too tall", lambda: conv.conv2d(X, np.ones((1, 3, 9, 3)), padding=1), ValueError,
     r"kernel height is 9, larger than the padded input height 6 \+ 2 \* padding 1 = 8; " r"it can be at most 8"),
    ("correlate kernel too wide", lambda: conv.correlate2d(IMG, np.ones((1, 6))), ValueError,
     r"kernel width is 6, larger than the padded input width 5 \+ 2 \* padding 0 = 5"),
    ("naive kernel too wide", lambda: conv.correlate2d_naive(IMG, np.ones((1, 6))), ValueError,
     r"kernel width is 6, larger than the padded input width 5"),
    ("pool window too large", lambda: pooling.avg_pool2d(IMG, 6), ValueError,
     r"kernel_size along the height is 6, larger than the padded input height 5"),
    ("conv_output_size kernel too large", lambda: conv.conv_output_size(3, 5, padding=0), ValueError,
     r"kernel_size is 5, larger than the padded input length 3 \+ 2 \* padding 0 = 3"),
    ("conv_output_size dilated kernel too large", lambda: conv.conv_output_size(4, 3, dilation=2), ValueError,
     r"the span of kernel_size 3 with dilation 2 is 5, larger than .* = 4"),
    # non-integer or non-finite sizes
    ("n 2.5", lambda: conv.conv_output_size(2.5, 1), TypeError,
     r"n must be an integer >= 1, got 2.5 of type float"),
    ("n nan", lambda: conv.conv_output_size(NAN, 1), TypeError,
     r"n must be a finite integer >= 1, got nan"),
    ("kernel_size inf", lambda: conv.conv_output_size(5, float("inf")), TypeError,
     r"kernel_size must be a finite integer >= 1, got inf"),
    ("kernel_size True", lambda: conv.conv_output_size(5, True), TypeError,
     r"kernel_size must be an integer >= 1, got True of type bool"),
    ("n string", lambda: conv.conv_output_size("5", 3), TypeError,
     r"n must be an integer >= 1, got '5' of type str"),
    ("stride 1.5", lambda: conv.conv2d(X, W, stride=1.5), TypeError,
     r"stride must be an integer >= 1 or a pair of them \(height, width\), got 1.5"),
    ("stride nan", lambda: conv.correlate2d(IMG, K3, stride=NAN), TypeError,
     r"stride .*got nan"),
    ("padding True", lambda: conv.conv2d(X, W, padding=True), TypeError,
     r"padding must be an integer >= 0 .*got True"),
    ("padding pair with float", lambda: conv.pad2d(IMG, (1, 0.5)), TypeError,
     r"padding must be .*got \(1, 0.5\)"),
    ("pool kernel_size 2.0", lambda: pooling.max_pool2d(IMG, 2.0), TypeError,
     r"kernel_size must be an integer >= 1 .*got 2.0"),
    ("pool kernel_size 0", lambda: pooling.avg_pool2d(IMG, 0), ValueError,
     r"kernel_size must be an integer >= 1 .*got 0"),
    ("pool stride nan pair", lambda: pooling.avg_pool2d(IMG, 2, stride=(NAN, 1)), TypeError,
     r"stride must be .*got \(nan, 1\)"),
    # wrong types of values
    ("complex input", lambda: conv.conv2d(X.astype(complex), W), TypeError,
     r"x must be an array of real numbers .*got dtype complex128"),
    ("string weights", lambda: conv.conv2d(X, np.full((4, 3, 3, 3), "a")), TypeError,
     r"weight must be an array of real numbers .*got dtype <U1"),
    ("string activation input", lambda: activations.relu(["a", "b"]), TypeError,
     r"x must be an array of real numbers"),
    ("object sigmoid input", lambda: activations.sigmoid(np.array([None])), TypeError,
     r"x must be an array of real numbers .*got dtype object"),
    ("leaky slope nan", lambda: activations.leaky_relu(IMG, NAN), ValueError,
     r"negative_slope must be a finite number, got nan"),
    ("leaky slope string", lambda: activations.leaky_relu(IMG, "0.1"), TypeError,
     r"negative_slope must be a number, got str '0.1'"),
    ("pad value string", lambda: conv.pad2d(IMG, 1, value="0"), TypeError,
     r"value must be a number, got str '0'"),
    ("pad value NaN", lambda: conv.pad2d(IMG, 1, value=float("nan")), ValueError,
     r"value must be a number \(not NaN\), got nan"),
    ("count_include_pad 1", lambda: pooling.avg_pool2d(IMG, count_include_pad=1), TypeError,
     r"count_include_pad must be True or False, got int 1"),
    ("count_include_pad string", lambda: pooling.avg_pool2d(IMG, count_include_pad="no"),
     TypeError, r"count_include_pad must be True or False, got str 'no'"),
    # float16 (and other floats than float32/float64) are refused, not overflowed
    ("float16 average pooling", lambda: pooling.avg_pool2d(np.full((4, 4), 6e4, np.float16)),
     TypeError, r"x must be an array of real numbers .*got dtype float16; convert it with "
                r"\.astype\(np\.float32\)"),
    ("float16 conv2d weight", lambda: conv.conv2d(X, W.astype(np.float16)), TypeError,
     r"weight must be .*got dtype float16"),
    ("longdouble image", lambda: conv.correlate2d(IMG.astype(np.longdouble), K3), TypeError,
     r"image must be .*got dtype float128|image must be .*got dtype float64"),
    ("complex pooling", lambda: pooling.max_pool2d(IMG.astype(complex)), TypeError,
     r"x must be .*got dtype complex128"),
    # sizes: the size guard covers pad2d (and so correlate2d_naive, which pads first)
    ("pad2d huge padding", lambda: conv.pad2d(np.zeros((7, 9)), 2 * 10**4), ValueError,
     r"^padding=20000 would need .* GiB for the padded array of shape \(40007, 40009\)"),
    ("naive huge padding", lambda: conv.correlate2d_naive(np.zeros((7, 9)), K3, padding=10**5),
     ValueError, r"^padding=\(100000, 100000\) would need .* for the padded array"),
    ("0-d stride array out of range", lambda: conv.conv2d(X, W, stride=np.array(0)), ValueError,
     r"stride must be an integer >= 1 or a pair of them"),
    # unknown kernel name
    ("unknown kernel", lambda: get_kernel("edge_detection_9"), ValueError,
     r"name 'edge_detection_9' is not a known kernel; valid names: box_blur, edge_detection_1"),
    ("kernel name not a string", lambda: get_kernel(3), TypeError,
     r"name must be a kernel name \(str\), got int 3; valid names: .*sharpen"),
]
# fmt: on


@pytest.mark.parametrize(
    ("call", "error", "pattern"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_raises_a_helpful_error(call, error, pattern):
    with pytest.raises(error) as info:
        call()
    message = info.value.args[0]
    assert re.search(pattern, message), f"{message!r} does not match {pattern!r}"


def test_errors_are_not_raised_for_edge_cases_that_are_valid():
    # the kernel exactly as large as the padded input, padding exactly half the pool kernel
    assert conv.conv2d(X, np.ones((1, 3, 8, 8), np.float32), padding=1).shape == (2, 1, 1, 1)
    assert conv.conv_output_size(1, 1) == 1
    assert pooling.max_pool2d(IMG, 2, padding=1).shape == (3, 3)
    assert conv.conv2d(X, W, stride=np.int64(2), padding=(np.int32(1), 0)).shape == (2, 4, 3, 2)
    # a 0-d array is its one number; a stride of 10**18 (which torch accepts) gives one window
    assert conv.conv2d(X, W, stride=np.array(2)).shape == (2, 4, 2, 2)
    for s in (10**18, (10**18, 1)):
        y = conv.conv2d(X, W, stride=s)
        np.testing.assert_array_equal(y[..., :1, :1], conv.conv2d(X, W)[..., :1, :1])
        dx, dw, db = conv.conv2d_backward(np.ones_like(y), X, W, stride=s)
        assert dx.shape == X.shape and dw.shape == W.shape
    assert conv.correlate2d(IMG, K3, stride=10**18).shape == (1, 1)
    assert pooling.max_pool2d(IMG, 2, stride=10**18).shape == (1, 1)
    # pad2d pads with -inf (max pooling's border) but never with NaN
    assert conv.pad2d(IMG, 1, value=-np.inf)[0, 0] == -np.inf
