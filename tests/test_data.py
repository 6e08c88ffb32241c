"""Tests of course_lib.data: the IDX reader (on small files written here) and the loaders."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import data

# The IDX layout written independently of the reader: magic 00 00 TT NN, big-endian uint32
# sizes, big-endian values.
CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D,
         np.float64: 0x0E}
STRUCT = {np.uint8: "B", np.int8: "b", np.int16: "h", np.int32: "i", np.float32: "f",
          np.float64: "d"}


def idx_bytes(a: np.ndarray, *, code: int | None = None, shape: tuple | None = None) -> bytes:
    """Encode ``a`` as IDX with struct (not NumPy), optionally lying about code or shape."""
    t = a.dtype.type
    code = CODES[t] if code is None else code
    shape = a.shape if shape is None else shape
    head = bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)
    return head + struct.pack(f">{a.size}{STRUCT[t]}", *a.ravel().tolist())


def random_array(rng: np.random.Generator, dtype, shape) -> np.ndarray:
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
    return rng.standard_normal(shape).astype(dtype) * 1e3


@settings(max_examples=60, deadline=None)
@given(dtype=st.sampled_from(list(CODES)),
       shape=st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple),
       compressed=st.booleans(), seed=st.integers(0, 2**31))
def test_read_idx_round_trip_all_dtypes_and_ndims(tmp_path_factory, dtype, shape, compressed,
                                                  seed):
    a = random_array(np.random.default_rng(seed), dtype, shape)
    raw = idx_bytes(a)
    path = tmp_path_factory.mktemp("idx") / ("x.idx.gz" if compressed else "x.idx")
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    got = data.read_idx(path)
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    assert got.shape == shape
    np.testing.assert_array_equal(got, a)
    assert got.flags.writeable


def test_read_idx_mnist_like_labels_and_images(tmp_path):
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    images = np.arange(5 * 28 * 28, dtype=np.int64).reshape(5, 28, 28).astype(np.uint8)
    (tmp_path / "labels").write_bytes(idx_bytes(labels))
    (tmp_path / "images.gz").write_bytes(gzip.compress(idx_bytes(images)))
    np.testing.assert_array_equal(data.read_idx(str(tmp_path / "labels")), labels)
    got = data.read_idx(tmp_path / "images.gz")
    assert got.shape == (5, 28, 28)
    np.testing.assert_array_equal(got, images)


def test_read_idx_big_endian_on_disk(tmp_path):
    # 258 as a big-endian short is 01 02; a little-endian reader would see 513.
    (tmp_path / "s").write_bytes(bytes([0, 0, 0x0B, 1, 0, 0, 0, 1, 1, 2]))
    assert data.read_idx(tmp_path / "s").tolist() == [258]


def test_read_idx_gzip_detected_by_content_not_name(tmp_path):
    a = np.arange(6, dtype=np.int16).reshape(2, 3)
    (tmp_path / "plain.gz").write_bytes(idx_bytes(a))            # called .gz, is not
    (tmp_path / "packed").write_bytes(gzip.compress(idx_bytes(a)))  # is gzip, not called so
    np.testing.assert_array_equal(data.read_idx(tmp_path / "plain.gz"), a)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "packed"), a)


@pytest.mark.parametrize("compressed", [False, True])
def test_read_idx_wrong_magic(tmp_path, compressed):
    raw = bytes([0, 1, 0x08, 1, 0, 0, 0, 1, 7])
    p = tmp_path / "bad"
    p.write_bytes(gzip.compress(raw) if compressed else raw)
    with pytest.raises(ValueError, match=r"bad.*magic number 00 01 08 01.*two zero bytes"):
        data.read_idx(p)


def test_read_idx_unknown_type_code(tmp_path):
    p = tmp_path / "code"
    p.write_bytes(bytes([0, 0, 0x0A, 1, 0, 0, 0, 1, 7]))
    with pytest.raises(ValueError, match=r"code.*0x0A.*0x08 \(uint8\)"):
        data.read_idx(p)


def test_read_idx_zero_dimensions(tmp_path):
    p = tmp_path / "nd0"
    p.write_bytes(bytes([0, 0, 0x08, 0, 7]))
    with pytest.raises(ValueError, match="0 dimensions"):
        data.read_idx(p)


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("raw, match", [
    (b"", "holds 0 bytes, too short"),
    (bytes([0, 0]), "holds 2 bytes, too short"),
    (bytes([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0]), r"truncated header: 3 dimensions need 16 .* only 10"),
])
def test_read_idx_truncated_header(tmp_path, compressed, raw, match):
    p = tmp_path / "head"
    p.write_bytes(gzip.compress(raw) if compressed else raw)
    with pytest.raises(ValueError, match=match):
        data.read_idx(p)


@pytest.mark.parametrize("compressed", [False, True])
def test_read_idx_truncated_data(tmp_path, compressed):
    raw = idx_bytes(np.arange(12, dtype=np.int32).reshape(3, 4))[:-5]
    p = tmp_path / "short"
    p.write_bytes(gzip.compress(raw) if compressed else raw)
    with pytest.raises(ValueError, match=r"short.*truncated.*\(3, 4\) of int32 \(48 data bytes\)"
                                         r".*43 data bytes"):
        data.read_idx(p)


@pytest.mark.parametrize("compressed", [False, True])
def test_read_idx_extra_bytes(tmp_path, compressed):
    raw = idx_bytes(np.arange(4, dtype=np.uint8)) + b"\x00\x01"
    p = tmp_path / "long"
    p.write_bytes(gzip.compress(raw) if compressed else raw)
    with pytest.raises(ValueError, match="longer than its header says"):
        data.read_idx(p)


@pytest.mark.parametrize("compressed", [False, True])
def test_read_idx_huge_header_small_file_is_an_error_not_an_allocation(tmp_path, compressed):
    # The header promises 4e9**3 doubles (far beyond any memory); the file holds 16 bytes.
    raw = idx_bytes(np.zeros(2), shape=(4_000_000_000,) * 3)
    p = tmp_path / "huge"
    p.write_bytes(gzip.compress(raw) if compressed else raw)
    # compressed, the length is unknown until the end: the size guard refuses the header first
    words = (r"^the IDX header of .*huge would need .* for the values of shape "
             r"\(4000000000, 4000000000, 4000000000\), more than the size budget" if compressed
             else r"huge: truncated: the header promises shape \(4000000000, 4000000000, "
                  r"4000000000\) of float64 \(512000000000000000000000000000 data bytes\)")
    with pytest.raises(ValueError, match=words):
        data.read_idx(p)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float64])
def test_read_idx_gzip_peaks_at_the_inflated_size_not_twice(tmp_path, dtype):
    """The values are inflated straight into the result and byte-swapped in place: the peak
    (measured by tracemalloc, which sees NumPy's buffers) is the inflated size plus gzip's
    buffers, not twice the inflated size as when the chunks were joined and then copied."""
    import tracemalloc

    values = (np.arange(8_000_000 // np.dtype(dtype).itemsize) % 120).astype(dtype)  # 8 MB
    p = tmp_path / "big.gz"
    p.write_bytes(gzip.compress(idx_bytes(values), compresslevel=1))
    tracemalloc.start()
    try:
        got = data.read_idx(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(got, values)
    assert got.dtype == np.dtype(dtype) and got.flags.writeable
    # gzip's own buffers add about 3 MB whatever the size; twice the values would be 16 MB
    assert peak < values.nbytes + 4 * 2**20, (peak, values.nbytes)


def test_read_idx_broken_gzip(tmp_path):
    p = tmp_path / "broken.gz"
    p.write_bytes(gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))[:-12])
    with pytest.raises(ValueError, match="broken.gz"):
        data.read_idx(p)


def test_read_idx_bad_path_arguments(tmp_path):
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got int"):
        data.read_idx(3)
    with pytest.raises(FileNotFoundError):
        data.read_idx(tmp_path / "missing.idx")


def test_load_digits_shapes_split_and_determinism():
    x_tr, y_tr, x_te, y_te = data.load_digits()
    assert x_tr.shape == (1347, 8, 8) and x_te.shape == (450, 8, 8)
    assert x_tr.dtype == np.float32 and y_tr.dtype == np.int64
    assert 0.0 <= x_tr.min() and x_tr.max() <= 1.0
    assert set(np.unique(y_te)) == set(range(10))
    again = data.load_digits()
    for a, b in zip((x_tr, y_tr, x_te, y_te), again):
        np.testing.assert_array_equal(a, b)
    assert data.load_digits(dtype=np.float64)[0].dtype == np.float64


@pytest.mark.parametrize("test_size", [0.0, 1.0, -0.5, 2])
def test_load_digits_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size must be a finite number > 0 and < 1"):
        data.load_digits(test_size=test_size)


def test_load_photo_and_errors():
    img = data.load_photo("flower", gray=True, size=32)
    assert img.shape == (32, 32) and img.dtype == np.float32
    assert data.load_photo("china", gray=False, size=16).shape == (16, 16, 3)
    with pytest.raises(ValueError, match="name must be one of"):
        data.load_photo("cat")
    with pytest.raises(ValueError, match="size must be an integer >= 1, got 0"):
        data.load_photo("china", size=0)
    # issue 13: an integer dtype rounded every value in [0, 1] to 0; a truthy string was gray
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64, got int64"):
        data.load_photo("china", size=8, dtype=np.int64)
    with pytest.raises(TypeError, match="gray must be True or False, got str 'no'"):
        data.load_photo("china", gray="no", size=8)
    with pytest.raises(ValueError, match=r"size=100000 would need .* for the resized photo"):
        data.load_photo("china", size=10**5)
    assert data.load_photo("china", size=8, dtype=np.float64).dtype == np.float64


def test_load_digits_refuses_an_integer_dtype():
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64, got int8"):
        data.load_digits(dtype=np.int8)
    with pytest.raises(TypeError, match="test_size must be a number, got str"):
        data.load_digits(test_size="0.2")
    assert data.load_digits(dtype=np.float64)[0].dtype == np.float64


def test_to_gray_follows_the_dtype_policy():
    """Issue 13: an int64 image got int64 weights [0, 0, 0] and came out all zeros."""
    rgb = np.full((2, 2, 3), 100, np.int64)
    np.testing.assert_allclose(data.to_gray(rgb), 100.0)
    assert data.to_gray(rgb).dtype == np.float64
    assert data.to_gray(np.full((1, 1, 3), 255, np.uint8)).dtype == np.float32
    with pytest.raises(TypeError, match="rgb must be an array of real numbers"):
        data.to_gray(np.full((1, 1, 3), "a"))
