"""minigrad.data: IDX parsing, checksums, caching, MNIST assembly, sklearn digits. No network."""

import gzip
import hashlib
import struct

import numpy as np
import pytest

from minigrad import data
from minigrad.data import ChecksumError, IDXError, fetch, load_digits, load_mnist, read_idx, write_idx


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to download fails the test (tests that expect downloads patch this again)."""
    def refuse(url, destination, timeout=60):
        raise AssertionError(f"test tried to download {url}")
    monkeypatch.setattr(data, "download", refuse)
    monkeypatch.setattr(data.urllib.request, "urlopen", refuse)


def md5(raw):
    return hashlib.md5(raw).hexdigest()


# ---- IDX parsing --------------------------------------------------------------

@pytest.mark.parametrize("compressed", [True, False])
@pytest.mark.parametrize("array", [
    np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
    np.array([7, 0, 255], dtype=np.uint8),
    np.array([[-1, 2], [300, -40000]], dtype=np.int32),
    np.array([1.5, -2.25], dtype=np.float32),
    np.array([1e300, -3.0], dtype=np.float64),
    np.array([-5, 5], dtype=np.int16),
    np.array([-5, 5], dtype=np.int8),
])
def test_idx_round_trip(tmp_path, array, compressed):
    path = tmp_path / ("file.idx.gz" if compressed else "file.idx")
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compressed
    parsed = read_idx(path)
    np.testing.assert_array_equal(parsed, array)
    assert parsed.dtype == array.dtype and parsed.dtype.isnative
    parsed[...] = 0  # writable


def test_idx_is_big_endian_with_the_documented_header(tmp_path):
    # Hand-written bytes: magic 0x00000803 (ubyte, 3 dims), dims 2x1x2 big-endian, then 4 bytes.
    raw = bytes([0, 0, 0x08, 3]) + struct.pack(">III", 2, 1, 2) + bytes([1, 2, 3, 4])
    (tmp_path / "images").write_bytes(raw)
    np.testing.assert_array_equal(read_idx(tmp_path / "images"), [[[1, 2]], [[3, 4]]])
    # int32 values are big-endian too
    raw = bytes([0, 0, 0x0C, 1]) + struct.pack(">I", 2) + struct.pack(">ii", 1, -2)
    (tmp_path / "ints").write_bytes(gzip.compress(raw))
    np.testing.assert_array_equal(read_idx(tmp_path / "ints"), [1, -2])


@pytest.mark.parametrize("raw, pattern", [
    (b"\x00\x00", r"too short"),
    (bytes([1, 0, 8, 1]) + struct.pack(">I", 1) + b"\x00", r"bad magic number"),
    (bytes([0, 0, 0x42, 1]) + struct.pack(">I", 1) + b"\x00", r"unknown IDX type code 0x42"),
    (bytes([0, 0, 8, 3]) + struct.pack(">I", 5), r"header says 3 dimensions"),
    (bytes([0, 0, 8, 2]) + struct.pack(">II", 2, 3) + bytes(5), r"needs 6 data bytes, file has 5"),
    (bytes([0, 0, 8, 1]) + struct.pack(">I", 2) + bytes(3), r"needs 2 data bytes, file has 3"),
])
def test_malformed_idx_files_give_clear_errors(tmp_path, raw, pattern):
    path = tmp_path / "bad.idx"
    path.write_bytes(raw)
    with pytest.raises(IDXError, match=pattern):
        read_idx(path)


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + bytes(8))[:-6])
    with pytest.raises(IDXError, match="gzip"):
        read_idx(path)


# ---- fetch: cache, checksum, mirrors --------------------------------------------

def fake_server(files, log):
    """A stand-in for data.download serving `files` (name -> bytes) and logging each URL."""
    def download(url, destination, timeout=60):
        log.append(url)
        name = url.rsplit("/", 1)[-1]
        if url.startswith("https://down.example/") or name not in files:
            raise OSError(f"404 for {url}")
        with open(destination, "wb") as f:
            f.write(files[name])
    return download


def test_cached_file_with_right_checksum_is_used_without_download(tmp_path):
    raw = b"cached bytes"
    (tmp_path / "a.gz").write_bytes(raw)
    assert fetch("a.gz", md5(raw), cache_dir=tmp_path) == tmp_path / "a.gz"  # the autouse fixture forbids downloads


def test_missing_file_is_downloaded_once_then_cached(tmp_path, monkeypatch):
    raw, log = b"fresh bytes", []
    monkeypatch.setattr(data, "download", fake_server({"a.gz": raw}, log))
    mirrors = ("https://down.example/", "https://up.example/")
    path = fetch("a.gz", md5(raw), cache_dir=tmp_path / "cache", mirrors=mirrors)
    assert path.read_bytes() == raw
    assert log == ["https://down.example/a.gz", "https://up.example/a.gz"]  # first mirror failed, second worked
    fetch("a.gz", md5(raw), cache_dir=tmp_path / "cache", mirrors=mirrors)
    assert len(log) == 2  # no second download
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["a.gz"]  # no leftover partial files


def test_corrupted_cache_is_downloaded_again(tmp_path, monkeypatch):
    raw, log = b"good bytes", []
    (tmp_path / "a.gz").write_bytes(b"truncated")
    monkeypatch.setattr(data, "download", fake_server({"a.gz": raw}, log))
    assert fetch("a.gz", md5(raw), cache_dir=tmp_path, mirrors=("https://up.example/",)).read_bytes() == raw
    assert len(log) == 1


def test_download_with_wrong_checksum_is_rejected_and_not_cached(tmp_path, monkeypatch):
    log = []
    monkeypatch.setattr(data, "download", fake_server({"a.gz": b"tampered"}, log))
    with pytest.raises(ChecksumError, match=r"checksum mismatch.*expected " + md5(b"original")):
        fetch("a.gz", md5(b"original"), cache_dir=tmp_path, mirrors=("https://up.example/", "https://up2.example/"))
    assert len(log) == 2  # every mirror was tried
    assert list(tmp_path.iterdir()) == []


def test_all_mirrors_unreachable(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "download", fake_server({}, []))
    with pytest.raises(OSError, match="verified copy of a.gz") as excinfo:
        fetch("a.gz", md5(b"x"), cache_dir=tmp_path, mirrors=("https://up.example/",))
    assert not isinstance(excinfo.value, ChecksumError)


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("MINIGRAD_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.default_cache_dir() == tmp_path / ".cache" / "minigrad" / "mnist"
    monkeypatch.setenv("MINIGRAD_CACHE", str(tmp_path / "elsewhere"))
    assert data.default_cache_dir() == tmp_path / "elsewhere" / "mnist"


def test_official_checksums_are_the_known_ones():
    assert data.MNIST_FILES["train_images"] == ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873")
    assert data.MNIST_FILES["train_labels"] == ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432")
    assert data.MNIST_FILES["test_images"] == ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3")
    assert data.MNIST_FILES["test_labels"] == ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")


# ---- load_mnist on small fake MNIST files -----------------------------------------

def test_load_mnist_from_a_cache_of_small_idx_files(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, 5).astype(np.uint8),
        "test_images": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, 3).astype(np.uint8),
    }
    files = {}
    for key, (filename, _) in data.MNIST_FILES.items():
        write_idx(tmp_path / filename, arrays[key])
        files[key] = (filename, md5((tmp_path / filename).read_bytes()))
    monkeypatch.setattr(data, "MNIST_FILES", files)

    x_train, y_train, x_test, y_test = load_mnist(cache_dir=tmp_path)
    assert x_train.shape == (5, 784) and x_test.shape == (3, 784)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_allclose(x_train, arrays["train_images"].reshape(5, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test, arrays["test_labels"])
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    images = load_mnist(cache_dir=tmp_path, flatten=False)[0]
    assert images.shape == (5, 28, 28)


# ---- sklearn digits ----------------------------------------------------------------

def test_load_digits_split_is_fixed_scaled_and_stratified():
    x_train, y_train, x_test, y_test = load_digits()
    assert x_train.shape == (1347, 64) and x_test.shape == (450, 64)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert sorted(set(y_test)) == list(range(10))
    again = load_digits()
    np.testing.assert_array_equal(again[0], x_train)
    np.testing.assert_array_equal(again[3], y_test)
    other = load_digits(seed=1)
    assert not np.array_equal(other[0], x_train)


# ---- hostile input: huge IDX headers, malformed mirror URLs ------------------

REAL_DOWNLOAD = data.download  # captured at import, before the no_network fixture patches it


@pytest.mark.parametrize("dims", [(2**32 - 1,) * 3, (2**32 - 1,) * 4, (2**16, 2**16, 2**16, 2**16)])
def test_idx_header_whose_dimensions_overflow_names_the_file(tmp_path, dims):
    """The product of the sizes overflows int64; the error must still name the file, not numpy."""
    path = tmp_path / "huge-idx3-ubyte"
    path.write_bytes(bytes([0, 0, 0x08, len(dims)]) + struct.pack(f">{len(dims)}I", *dims) + b"\x00" * 16)
    with pytest.raises(IDXError, match=f"{path.name}.*needs {np.prod(dims, dtype=object) } data bytes, file has 16"):
        read_idx(path)


@pytest.mark.parametrize("bad_mirror", ["not-a-url/", "http://[::1/", "ftp//missing-colon/", ""])
def test_a_malformed_mirror_url_is_skipped_for_the_next_mirror(tmp_path, monkeypatch, bad_mirror):
    import io
    import urllib.request

    raw, log = b"served bytes", []

    def fake_urlopen(url, timeout=60):
        log.append(url)
        urllib.request.Request(url)  # the real URL parsing: raises ValueError on a malformed URL
        return io.BytesIO(raw)

    monkeypatch.setattr(data, "download", REAL_DOWNLOAD)
    monkeypatch.setattr(data.urllib.request, "urlopen", fake_urlopen)
    path = fetch("a.gz", md5(raw), cache_dir=tmp_path, mirrors=(bad_mirror, "https://good.example/"))
    assert path.read_bytes() == raw
    assert log == [bad_mirror + "a.gz", "https://good.example/a.gz"]
    assert [p.name for p in tmp_path.iterdir()] == ["a.gz"]  # no partial file left behind


def test_only_malformed_mirrors_give_an_error_naming_each(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "download", REAL_DOWNLOAD)
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout=60: urllib_request(url))
    with pytest.raises(OSError, match=r"(?s)verified copy of a.gz.*not-a-url/a.gz: ValueError.*bad//a.gz"):
        fetch("a.gz", md5(b"x"), cache_dir=tmp_path, mirrors=("not-a-url/", "bad//"))


def urllib_request(url):
    import urllib.request

    urllib.request.Request(url)
    raise AssertionError("unreachable: the URL is malformed")
