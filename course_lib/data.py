"""Data that ships with the workbook's dependencies or is generated: never downloaded at run time.

* ``load_photo``: the two photographs inside scikit-learn's wheel ("china" and "flower"),
  credited under CC BY 2.0 (see ``PHOTO_CREDITS``).
* ``load_digits``: scikit-learn's 8x8 handwritten digits with a fixed train/test split.
* ``read_idx``: a reader for the IDX files that MNIST ships in (optionally gzip-compressed),
  for users who have MNIST on disk.
* ``read_daquar_qa``: a reader for DAQUAR's question-answer text files (lesson 09's dataset;
  re-exported by ``course_lib.vqa``). Linear time in the file's length; every error names the
  file and the line and quotes at most a short excerpt of it.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass

import numpy as np

from ._args import check_size, choice, flag, float_array, float_dtype, integer, real
from ._blas import ignore_blas_invalid_flag

__all__ = ["PHOTO_CREDITS", "PHOTOS", "load_photo", "to_gray", "load_digits", "read_idx",
           "IDX_DTYPES", "DaquarRecord", "read_daquar_qa"]

PHOTOS = ("china", "flower")

PHOTO_CREDITS = (
    "Photographs china.jpg and flower.jpg ship with scikit-learn (sklearn.datasets."
    "load_sample_image) and are licensed under Creative Commons Attribution 2.0 (CC BY 2.0)."
)


@ignore_blas_invalid_flag
def to_gray(rgb: np.ndarray) -> np.ndarray:
    """Luminance (ITU-R BT.601 weights) of an (H, W, 3) image: uint8 (0-255) gives float32 in
    [0, 1]; float32 and float64 keep their dtype; other ints and bools are computed in float64
    (the dtype policy; integer weights would have rounded every pixel to 0)."""
    rgb = np.asarray(rgb)
    x = rgb.astype(np.float32) / 255.0 if rgb.dtype == np.uint8 else float_array(rgb, "rgb")
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(f"rgb must have shape (H, W, 3), got {x.shape}")
    w = np.array([0.299, 0.587, 0.114], dtype=x.dtype)
    return x @ w


def load_photo(name: str = "china", gray: bool = True, size: int | None = None,
               dtype=np.float32) -> np.ndarray:
    """One of scikit-learn's two photographs as floats in [0, 1].

    Args:
        name: "china" (a temple) or "flower".
        gray: return (H, W) luminance if True, else (H, W, 3) RGB.
        size: if given, a centred square crop of the photo resized to (size, size).
        dtype: float32 (default) or float64 (an integer dtype would round every value in
            [0, 1] to 0 or 1, so it is refused).
    """
    choice(name, "name", PHOTOS)
    gray = flag(gray, "gray")
    dtype = float_dtype(dtype)
    if size is not None:
        size = integer(size, "size", 1)
        check_size((size, size, 3), np.float32, f"size={size}", "the resized photo")
    from PIL import Image
    from sklearn.datasets import load_sample_image

    img = load_sample_image(f"{name}.jpg")  # (427, 640, 3) uint8
    if size is not None:
        h, w = img.shape[:2]
        s = min(h, w)
        top, left = (h - s) // 2, (w - s) // 2
        img = np.asarray(Image.fromarray(img[top:top + s, left:left + s]).resize(
            (int(size), int(size)), Image.Resampling.BILINEAR))
    out = to_gray(img) if gray else img.astype(np.float32) / 255.0
    return out.astype(dtype, copy=False)


def load_digits(test_size: float = 0.25, seed: int = 0, dtype=np.float32):
    """scikit-learn's 1,797 8x8 digits, scaled to [0, 1], with a fixed stratified split.

    Returns:
        (x_train, y_train, x_test, y_test) with x of shape (n, 8, 8) and y int64 labels 0..9;
        x is float32 (default) or float64 as ``dtype`` says.
    """
    test_size = real(test_size, "test_size", above=0, below=1)
    seed = integer(seed, "seed", 0)
    dtype = float_dtype(dtype)  # an integer dtype would round the [0, 1] pixels to 0 or 1
    from sklearn.datasets import load_digits as _load
    from sklearn.model_selection import train_test_split

    d = _load()
    x = (d.images / 16.0).astype(dtype)
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_size, random_state=seed,
                                              stratify=y)
    return x_tr, y_tr, x_te, y_te


#: IDX type codes (third byte of the magic number) and the big-endian NumPy dtype they name.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),  # unsigned byte
    0x09: np.dtype(">i1"),  # signed byte
    0x0B: np.dtype(">i2"),  # short
    0x0C: np.dtype(">i4"),  # int
    0x0D: np.dtype(">f4"),  # float
    0x0E: np.dtype(">f8"),  # double
}

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20  # read gzip streams in 1 MiB pieces, straight into the result array


def _read_upto(f, n: int) -> bytes:
    """Read at most ``n`` bytes in bounded chunks (a huge ``n`` allocates nothing up front)."""
    parts, got = [], 0
    while got < n:
        part = f.read(min(_CHUNK, n - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (the format MNIST ships in), plain or gzip-compressed (``.gz``).

    An IDX file is a 4-byte magic number ``00 00 TT NN`` (``TT`` the type code, see
    ``IDX_DTYPES``; ``NN`` the number of dimensions), then ``NN`` sizes as big-endian uint32,
    then the values, big-endian, in C (row-major) order. Gzip is recognised by its own magic
    bytes, whatever the file is called. The header is checked against the file before any
    data is read: a header that promises more (or fewer) values than the file holds raises an
    error instead of allocating memory for them.

    Args:
        path: the file, e.g. ``"train-images-idx3-ubyte.gz"``.

    Returns:
        array of shape ``(d_1, ..., d_NN)`` in native byte order: uint8, int8, int16, int32,
        float32 or float64 as the type code says. MNIST's images give ``(60000, 28, 28)``
        uint8, its labels ``(60000,)`` uint8.

    Raises:
        TypeError: ``path`` is not a str or path.
        FileNotFoundError: no such file.
        ValueError: wrong magic number, unknown type code, zero dimensions, or a file whose
            length does not match its header (truncated or with extra bytes).

    Example:
        >>> images = read_idx("mnist/train-images-idx3-ubyte.gz")  # doctest: +SKIP
        >>> images.shape, images.dtype  # doctest: +SKIP
        ((60000, 28, 28), dtype('uint8'))
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    with open(path, "rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        if compressed:
            with gzip.GzipFile(fileobj=raw) as f:
                try:
                    return _read_idx_stream(f, path, None)
                except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
                    raise ValueError(f"{path}: broken gzip stream ({e})") from e
        size = os.fstat(raw.fileno()).st_size
        return _read_idx_stream(raw, path, size)


def _read_idx_stream(f, path: str, size: int | None) -> np.ndarray:
    """Parse an IDX stream; ``size`` is the file's length in bytes when known (uncompressed)."""
    where = "decompressed file" if size is None else "file"
    magic = _read_upto(f, 4)
    if len(magic) < 4:
        raise ValueError(f"{path}: the {where} holds {len(magic)} bytes, too short for the "
                         "4-byte IDX magic number")
    if magic[0] != 0 or magic[1] != 0:
        raise ValueError(f"{path}: not an IDX file: the magic number {magic.hex(' ')} should "
                         "start with two zero bytes (00 00 TT NN)")
    code, ndim = magic[2], magic[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X} ({d.name})" for c, d in IDX_DTYPES.items())
        raise ValueError(f"{path}: unknown IDX type code 0x{code:02X}; valid codes are {known}")
    if ndim == 0:
        raise ValueError(f"{path}: the IDX header says 0 dimensions; expected at least 1")
    header_len = 4 + 4 * ndim
    dims_raw = _read_upto(f, 4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise ValueError(f"{path}: truncated header: {ndim} dimensions need {header_len} header "
                         f"bytes, but the {where} holds only {4 + len(dims_raw)}")
    shape = tuple(int(d) for d in np.frombuffer(dims_raw, dtype=">u4"))
    dtype = IDX_DTYPES[code]
    count = 1
    for d in shape:
        count *= d  # Python int: no overflow however large the header's sizes are
    need = count * dtype.itemsize
    if size is not None and size - header_len != need:
        have = size - header_len
        kind = "truncated" if have < need else "longer than its header says"
        raise ValueError(f"{path}: {kind}: the header promises shape {shape} of {dtype.name} "
                         f"({need} data bytes) but the file holds {have} data bytes")
    native = dtype.newbyteorder("=")
    if size is not None:  # the length was checked above: read exactly that, in one allocation
        values = np.fromfile(f, dtype=dtype, count=count)
        if values.size < count:  # the file shrank after it was measured
            raise _truncated(path, shape, dtype, need, where, values.size * dtype.itemsize)
        return values.astype(native, copy=False).reshape(shape)
    # Compressed: the length is known only once the stream ends. The header's size goes through
    # the size guard, then the values are inflated chunk by chunk into the one result array and
    # byte-swapped in place: the peak is the inflated size, never twice it.
    check_size(shape, dtype, f"the IDX header of {path}", "the values")
    data = np.empty(need, np.uint8)
    view, got = memoryview(data), 0
    while got < need:
        n = f.readinto(view[got:got + _CHUNK])
        if not n:
            raise _truncated(path, shape, dtype, need, where, got)
        got += n
    if f.read(1):
        raise ValueError(f"{path}: longer than its header says: the {where} holds more than the "
                         f"{need} data bytes of shape {shape} of {dtype.name}")
    values = data.view(dtype)
    if dtype.byteorder not in "=|":  # big-endian on this machine: swap to native order
        values.byteswap(inplace=True)
    return values.view(native).reshape(shape)


def _truncated(path, shape, dtype, need, where, got) -> ValueError:
    return ValueError(f"{path}: truncated: the header promises shape {shape} of {dtype.name} "
                      f"({need} data bytes) but the {where} holds only {got} data bytes")


# ----------------------------------------------------------------------------- DAQUAR
@dataclass(frozen=True)
class DaquarRecord:
    """One DAQUAR question: the image id (N in "imageN"), the question without its
    "in the imageN" ending, and the answers (one or more)."""

    image_id: int
    question: str
    answers: tuple[str, ...]


_EXCERPT = 60  # characters of a bad line that an error message quotes


def _excerpt(line: str) -> str:
    """``line`` quoted, or its start and its length if it is long (a message stays short)."""
    if len(line) <= _EXCERPT:
        return repr(line)
    return f"{line[:_EXCERPT]!r}... ({len(line)} characters)"


def _daquar_question(line: str) -> tuple[int, str] | None:
    """(image id, question) of a line "... in the imageN ?", or None. Linear time: the
    words are split once (a regular expression with ``.*?\\s*`` was quadratic in the
    length of a run of spaces)."""
    words = line[:-1].split()  # the line ends in "?"
    if len(words) < 3 or [w.lower() for w in words[-3:-1]] != ["in", "the"]:
        return None
    tail = words[-1]
    if tail[:5].lower() != "image" or not tail[5:].isascii() or not tail[5:].isdigit():
        return None
    return int(tail[5:]), (" ".join(words[:-3]) + " ?").strip()


def read_daquar_qa(path: str | os.PathLike) -> list[DaquarRecord]:
    """Read a DAQUAR question-answer text file (e.g. ``qa.894.raw.train.txt``).

    The file alternates a question line, which ends in "... in the imageN ?", and its answer
    line, which holds one or more answers separated by commas. Blank lines are skipped.

    Args:
        path: the file (UTF-8 text).

    Returns:
        list of ``DaquarRecord(image_id, question, answers)``; the question keeps its words and
        a final " ?", e.g. ``"what is on the desk ?"``.

    Raises:
        TypeError: ``path`` is not a str or path.
        ValueError: naming the file and the line number, when a line is not UTF-8, a question
            has no image id, an answer line stands where a question was expected, a question
            line stands where its answer was expected, an answer is empty, or the file ends
            with an unanswered question. A long line is quoted by its first 60 characters.

    Example:
        With a file holding ``what is on the desk in the image3 ?`` and ``book, lamp``,
        ``read_daquar_qa(path)`` gives
        ``[DaquarRecord(image_id=3, question='what is on the desk ?', answers=('book', 'lamp'))]``.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    records = []
    pending = None  # (line number, image id, question)
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, start=1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError as e:
                raise ValueError(f"{where}: not UTF-8 text (byte 0x{raw[e.start]:02x} at "
                                 f"column {e.start + 1})") from None
            if not line:
                continue
            is_question = line.endswith("?")
            if pending is None:
                if not is_question:
                    raise ValueError(f"{where}: expected a question line ending in "
                                     f"'in the imageN ?', got an answer line: {_excerpt(line)}")
                found = _daquar_question(line)
                if found is None:
                    raise ValueError(f"{where}: question has no image id (it should end in "
                                     f"'in the imageN ?'): {_excerpt(line)}")
                pending = (lineno, *found)
            else:
                if is_question:
                    raise ValueError(f"{where}: expected the answer to the question on line "
                                     f"{pending[0]}, got another question: {_excerpt(line)}")
                answers = tuple(a.strip() for a in line.split(","))
                if any(not a for a in answers):
                    raise ValueError(f"{where}: empty answer in {_excerpt(line)} "
                                     "(answers are separated by single commas)")
                records.append(DaquarRecord(pending[1], pending[2], answers))
                pending = None
    if pending is not None:
        raise ValueError(f"{path}:{pending[0]}: the question at the end of the file has no "
                         f"answer line: {_excerpt(pending[2])}")
    return records
