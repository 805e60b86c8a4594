"""Is this machine ready for a chapter? If not, what to install, in the notebook's language.

A student notebook's first cell (scripts/make_labs.py) calls ``require`` with the
packages its chapter imports, so "Run all" on a fresh runtime stops there, at
once, with a pip command, instead of a ModuleNotFoundError somewhere below.
"""

import importlib.util

from minigrad_labs.feedback import LabError, say


class MissingPackage(LabError, ImportError):
    """A chapter or a check needs a package (e.g. PyTorch) that is not installed."""


# import name -> (pip name, what it is for, in English and Spanish)
PACKAGES = {
    "torch": ("torch", "PyTorch, which the checks compare your gradients with",
              "PyTorch, con el que las comprobaciones comparan tus gradientes"),
    "numpy": ("numpy", "numpy, minigrad's arrays", "numpy, los arrays de minigrad"),
    "sklearn": ("scikit-learn", "scikit-learn, which holds the 8x8 digits data set",
                "scikit-learn, que trae el conjunto de datos de dígitos de 8x8"),
    "matplotlib": ("matplotlib", "matplotlib, for the figures", "matplotlib, para las figuras"),
    "threadpoolctl": ("threadpoolctl", "threadpoolctl, which limits numpy's threads",
                      "threadpoolctl, que limita los hilos de numpy"),
}


def installed(name):
    """True when ``import name`` would find the package (a hidden or broken one counts as missing)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def require(*names):
    """Stop with a MissingPackage naming every package of ``names`` not installed, and the pip command."""
    missing = [n for n in names if not installed(n)]
    if not missing:
        return
    pips = " ".join(PACKAGES.get(n, (n,))[0] for n in missing)
    en = "\n".join(f"  - {PACKAGES[n][1] if n in PACKAGES else n}" for n in missing)
    es = "\n".join(f"  - {PACKAGES[n][2] if n in PACKAGES else n}" for n in missing)
    raise MissingPackage(say(
        f"This chapter needs packages that are not installed here:\n{en}\n"
        f"Run `%pip install {pips}` in a new cell, then restart the kernel (on Colab: Runtime > Restart "
        "session) and run the notebook again from this cell.",
        f"Este capítulo necesita paquetes que aquí no están instalados:\n{es}\n"
        f"Ejecuta `%pip install {pips}` en una celda nueva, reinicia después el kernel (en Colab: Entorno "
        "de ejecución > Reiniciar sesión) y vuelve a ejecutar el cuaderno desde esta celda."))


def missing_package(error):
    """A MissingPackage for a ModuleNotFoundError of a package a check needs (PACKAGES), else None.

    For a check that imports PyTorch when the learner skipped the setup cell: the
    message names the package and the pip command, never the import deep inside.
    """
    top = (getattr(error, "name", None) or "").split(".")[0]
    if top not in PACKAGES:
        return None
    pip = PACKAGES[top][0]
    return MissingPackage(say(
        f"this check needs `{top}`, which is not installed. Run `%pip install {pip}` in a cell, "
        "restart the kernel, and run the notebook again (on Colab it is already installed).",
        f"esta comprobación necesita `{top}`, que no está instalado. Ejecuta `%pip install {pip}` en una "
        "celda, reinicia el kernel y vuelve a ejecutar el cuaderno (en Colab ya está instalado)."))
