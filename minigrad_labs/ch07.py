"""Lab of chapter 07 (modules): a Sequential, a register that follows the attributes, a shared layer."""

from minigrad_labs.arrays import compare_array, numpy
from minigrad_labs.feedback import close, fail, fmt, learner_code, passed


def _copy_from_torch(module, torch_module):
    """Copy every torch parameter into the learner's parameter with the same name."""
    theirs = dict(torch_module.named_parameters())
    ours = dict(module.named_parameters())
    if list(ours) != list(theirs):
        fail(f"parameter names {list(ours)}, expected {list(theirs)} (as torch.nn names them).",
             f"nombres de parámetros {list(ours)}, se esperaban {list(theirs)} (como los nombra torch.nn).")
    for name, param in ours.items():
        param.data = theirs[name].detach().numpy().copy()


def _compare_params(model, torch_model, what="grad"):
    theirs = dict(torch_model.named_parameters())
    for name, param in model.named_parameters():
        ours = getattr(param, what)
        expected = theirs[name].grad if what == "grad" else theirs[name]
        compare_array(f"of parameter {name}" if what == "grad" else f"(value) of parameter {name}",
                       f"del parámetro {name}" if what == "grad" else f"(valor) del parámetro {name}",
                       ours, expected.detach().numpy())


def sequential(MySequential, MyReLU, MyLinear):
    """Exercise 07.1: ``MySequential`` registers its modules as "0", "1", ... and applies them in order."""
    import torch
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    np = numpy()
    rng = np.random.default_rng(3)
    x, targets = rng.normal(size=(16, 64)), rng.integers(0, 10, size=16)
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(64, 32, dtype=torch.float64), torch.nn.ReLU(),
                                    torch.nn.Linear(32, 10, dtype=torch.float64))
    with learner_code("MySequential"):
        model = MySequential(MyLinear(64, 32, rng), MyReLU(), MyLinear(32, 10, rng))
        _copy_from_torch(model, reference)
        loss = F.cross_entropy(model(Tensor(x)), targets)
        loss.backward()
    t_loss = torch.nn.functional.cross_entropy(reference(torch.tensor(x)), torch.tensor(targets))
    t_loss.backward()
    if not close(loss.item(), t_loss.item(), 1e-10):
        fail(f"loss {fmt(loss.item())}, PyTorch {fmt(t_loss.item())}: are the modules applied in order?",
             f"pérdida {fmt(loss.item())}, PyTorch {fmt(t_loss.item())}: ¿se aplican los módulos en orden?")
    _compare_params(model, reference)
    passed("MySequential: names, loss and every gradient as torch.nn.Sequential",
           "MySequential: nombres, pérdida y cada gradiente como torch.nn.Sequential")


def register(MyModule2, MyLinear, MyParameter):
    """Exercise 07.2: ``MyModule2.__setattr__`` forgets what a name held before."""
    import torch

    np = numpy()

    class Linear2(MyModule2, MyLinear):      # MyLinear's layer, with the learner's register
        pass

    with learner_code("MyModule2"):
        fixed = Linear2(4, 3, np.random.default_rng(4))
        fixed.bias = None
        names = [name for name, _ in fixed.named_parameters()]
    reference = torch.nn.Linear(4, 3, dtype=torch.float64)
    reference.bias = None
    expected = [name for name, _ in reference.named_parameters()]
    if names != expected:
        fail(f"after `layer.bias = None`, named_parameters() lists {names}; torch.nn lists {expected}. "
             "The register still holds the old bias: forget `name` in both registers first.",
             f"tras `layer.bias = None`, named_parameters() da {names}; torch.nn da {expected}. "
             "El registro aún guarda el sesgo viejo: olvida primero `name` en los dos registros.")
    with learner_code("MyModule2"):
        fixed.bias = MyParameter(np.zeros(3))
        names = [name for name, _ in fixed.named_parameters()]
    if names != ["weight", "bias"]:
        fail(f"after registering a new bias, named_parameters() lists {names}, expected ['weight', 'bias'].",
             f"tras registrar un sesgo nuevo, named_parameters() da {names}, se esperaba ['weight', 'bias'].")
    passed("MyModule2: the register follows the attributes, as torch.nn",
           "MyModule2: el registro sigue a los atributos, como torch.nn")


def twice(Twice):
    """Exercise 07.3: one layer used twice: one parameter, the gradient summed over both uses."""
    import torch
    from minigrad.tensor import Tensor

    np = numpy()
    with learner_code("Twice"):
        model = Twice()
        n = len(model.parameters())
    if n != 2:
        fail(f"Twice().parameters() lists {n} parameters; one weight and one bias, however often they are used.",
             f"Twice().parameters() da {n} parámetros; un peso y un sesgo, por muchas veces que se usen.")
    torch.manual_seed(0)
    reference = torch.nn.Linear(8, 8, dtype=torch.float64)
    _copy_from_torch(model.layer, reference)
    x8 = np.random.default_rng(5).normal(size=(6, 8))
    with learner_code("Twice"):
        (model(Tensor(x8)) ** 2).sum().backward()
    (reference(reference(torch.tensor(x8)).tanh()) ** 2).sum().backward()
    _compare_params(model.layer, reference)
    passed("Twice: one shared weight, its gradient summed over both uses, as PyTorch",
           "Twice: un peso compartido, su gradiente sumado sobre los dos usos, como PyTorch")
