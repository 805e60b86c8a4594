"""Lab of chapter 07 (modules): a shared layer, a Sequential, a register that follows the attributes.

The learner's modules are compared with ``torch.nn`` output for output and
gradient for gradient; the register is tested through both of its dicts
(parameters and sub-modules), with values replaced by None, by a plain number,
by a new parameter and by a module.
"""

from minigrad_labs.arrays import as_tensor, compare_array, fail_hint, numbers, numpy
from minigrad_labs.feedback import close, fail, fmt, passed
from minigrad_labs.guard import learner_code


def _named(model, who):
    """``model.named_parameters()`` as a list of (name, Tensor) pairs, or stop naming the problem."""
    from minigrad.tensor import Tensor

    with learner_code(who):
        pairs = model.named_parameters()
        pairs = None if pairs is None else list(pairs)
    if pairs is None:
        fail(f"`{who}`: named_parameters() returned None: is a `return` (or `yield`) missing?",
             f"`{who}`: named_parameters() devolvió None: ¿falta un `return` (o un `yield`)?")
    for item in pairs:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Tensor)):
            fail(f"`{who}`: named_parameters() must give (name, parameter) pairs; one item is {item!r:.60}.",
                 f"`{who}`: named_parameters() debe dar pares (nombre, parámetro); un elemento es {item!r:.60}.")
    return pairs


def _copy_from_torch(model, torch_model, who):
    """Copy every torch parameter into the learner's parameter of the same name."""
    theirs = dict(torch_model.named_parameters())
    ours = dict(_named(model, who))
    if sorted(ours) != sorted(theirs):
        fail(f"`{who}`: the parameter names are {list(ours)}; torch.nn names them {list(theirs)}.",
             f"`{who}`: los nombres de los parámetros son {list(ours)}; torch.nn los nombra {list(theirs)}.")
    for name, param in ours.items():
        param.data = theirs[name].detach().numpy().copy()
    return ours


def _compare_grads(ours, torch_model, who):
    for name, param in torch_model.named_parameters():
        compare_array(f"`{who}`: wrong gradient of parameter {name}", f"`{who}`: gradiente incorrecto del parámetro {name}",
                      ours[name].grad, param.grad.numpy(),
                      none_en=f"`{who}`: parameter {name} got no gradient (None): is it used in forward?",
                      none_es=f"`{who}`: el parámetro {name} no recibió gradiente (None): ¿se usa en forward?")


# ---------------------------------------------------------------------------
# 07.1 One layer used twice
# ---------------------------------------------------------------------------


def twice(Twice):
    """Exercise 7.1: one layer used twice: one weight and one bias, the gradient summed over both uses."""
    import torch
    from minigrad.tensor import Tensor

    np = numpy()
    with learner_code("Twice"):
        model = Twice()
        params = model.parameters()
        params = None if params is None else list(params)
    if params is None:
        fail("Twice().parameters() returned None.", "Twice().parameters() devolvió None.")
    if len(params) != 2 or len({id(p) for p in params}) != 2:
        fail(f"Twice().parameters() lists {len(params)} parameters; one weight and one bias, however often the "
             "layer is used: one `MyLinear` stored once, as `self.layer` (registered through `__setattr__`).",
             f"Twice().parameters() da {len(params)} parámetros; un peso y un sesgo, por muchas veces que se use la "
             "capa: un solo `MyLinear`, guardado una vez como `self.layer` (registrado mediante `__setattr__`).")
    layer = getattr(model, "layer", None)
    if layer is None or not hasattr(layer, "named_parameters"):
        fail("Twice has no module `layer`: the exercise calls its MyLinear(8, 8) `self.layer`.",
             "Twice no tiene un módulo `layer`: el ejercicio llama `self.layer` a su MyLinear(8, 8).")
    torch.manual_seed(0)
    reference = torch.nn.Linear(8, 8, dtype=torch.float64)
    ours = _copy_from_torch(layer, reference, "Twice")
    x8 = np.random.default_rng(5).normal(size=(6, 8))
    with learner_code("Twice"):
        out = model(Tensor(x8))
    out = as_tensor("Twice.forward", out)
    tx = torch.tensor(x8)
    expected = reference(reference(tx).tanh())
    with torch.no_grad():
        once, lin = reference(tx), reference
        hints = [(lin(once).numpy(), ("tanh is missing between the two uses: layer(layer(x).tanh()).",
                                      "falta tanh entre los dos usos: layer(layer(x).tanh()).")),
                 (lin(once).tanh().numpy(), ("tanh belongs between the two uses, not after them: "
                                             "layer(layer(x).tanh()).",
                                             "tanh va entre los dos usos, no después: layer(layer(x).tanh()).")),
                 (once.tanh().numpy(), ("the layer is applied once; the exercise applies it twice: "
                                        "layer(layer(x).tanh()).",
                                        "la capa se aplica una vez; el ejercicio la aplica dos veces: "
                                        "layer(layer(x).tanh()).")),
                 (once.numpy(), ("the layer is applied once; the exercise applies it twice: layer(layer(x).tanh()).",
                                 "la capa se aplica una vez; el ejercicio la aplica dos veces: "
                                 "layer(layer(x).tanh())."))]
    compare_array("Twice: the output for a batch (6, 8)", "Twice: la salida para un lote (6, 8)",
                  out.data, expected.detach().numpy(), hints)
    upstream = np.random.default_rng(7).normal(size=(6, 8))
    with learner_code("Twice"):
        out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    _compare_grads(ours, reference, "Twice")
    passed("Twice: one shared weight, its gradient summed over both uses, as PyTorch",
           "Twice: un peso compartido, su gradiente sumado sobre los dos usos, como PyTorch")


# ---------------------------------------------------------------------------
# 07.2 MySequential
# ---------------------------------------------------------------------------


def _check_relu(MyReLU):
    """MyReLU alone, on both signs and on exact zeros, against torch.relu (whose gradient at 0 is 0)."""
    import torch
    from minigrad.tensor import Tensor

    np = numpy()
    x_np = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0], [0.0, 3.0, -1e-9, 1e-9, -4.0]])
    upstream = np.random.default_rng(8).uniform(0.5, 2.0, x_np.shape)
    x = Tensor(x_np.copy(), requires_grad=True)
    with learner_code("MyReLU"):
        y = MyReLU()(x)
    y = as_tensor("MyReLU.forward", y)
    hints = [(x_np, ("MyReLU returns its input: relu is max(x, 0), the non-linearity between the layers.",
                     "MyReLU devuelve su entrada: relu es max(x, 0), la no linealidad entre las capas.")),
             (np.tanh(x_np), ("MyReLU computes tanh: relu is max(x, 0).", "MyReLU calcula tanh: relu es max(x, 0)."))]
    compare_array("MyReLU: the output", "MyReLU: la salida", y.data, np.maximum(x_np, 0), hints)
    with learner_code("MyReLU"):
        y.backward(upstream)
    tx = torch.tensor(x_np, requires_grad=True)
    torch.relu(tx).backward(torch.tensor(upstream))
    at_zero = np.where(x_np >= 0, upstream, 0.0)
    compare_array("MyReLU: the gradient of its input", "MyReLU: el gradiente de su entrada", x.grad,
                  tx.grad.numpy(), [(at_zero, ("at x = 0 relu's gradient is 0 (as in PyTorch): the mask is x > 0, "
                                               "not x >= 0.",
                                               "en x = 0 el gradiente de relu es 0 (como en PyTorch): la máscara es "
                                               "x > 0, no x >= 0."))])


def sequential(MySequential, MyReLU, MyLinear):
    """Exercise 7.2: ``MySequential`` registers its modules as "0", "1", ... and applies them in order."""
    import torch
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    np = numpy()
    _check_relu(MyReLU)
    rng = np.random.default_rng(3)
    x, targets = rng.normal(size=(16, 64)), rng.integers(0, 10, size=16)
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(64, 32, dtype=torch.float64), torch.nn.ReLU(),
                                    torch.nn.Linear(32, 10, dtype=torch.float64))
    with learner_code("MySequential"):
        model = MySequential(MyLinear(64, 32, rng), MyReLU(), MyLinear(32, 10, rng))
    ours = _copy_from_torch(model, reference, "MySequential")
    with learner_code("MySequential"):
        logits = model(Tensor(x))
    logits = as_tensor("MySequential.forward", logits)
    expected = reference(torch.tensor(x))
    if tuple(logits.shape) != tuple(expected.shape) or not np.allclose(logits.data, expected.detach().numpy(),
                                                                       rtol=1e-10, atol=1e-12):
        fail(f"MySequential: the output for a batch (16, 64) has shape {tuple(logits.shape)} and differs from "
             "torch.nn.Sequential's: forward must apply every module, in order, each to the output of the one "
             "before.",
             f"MySequential: la salida para un lote (16, 64) tiene forma {tuple(logits.shape)} y difiere de la de "
             "torch.nn.Sequential: forward debe aplicar cada módulo, en orden, cada uno a la salida del anterior.")
    with learner_code("MySequential"):
        loss = F.cross_entropy(logits, targets)
        loss.backward()
    t_loss = torch.nn.functional.cross_entropy(expected, torch.tensor(targets))
    t_loss.backward()
    if not close(loss.item(), t_loss.item(), 1e-10):
        (got_en, got_es), (want_en, want_es) = numbers(fmt(loss.item()), fmt(t_loss.item()))
        fail(f"MySequential: loss {got_en}, PyTorch {want_en}.",
             f"MySequential: pérdida {got_es}, PyTorch {want_es}.")
    _compare_grads(ours, reference, "MySequential")
    passed("MyReLU as torch.relu (at 0 too); MySequential: names, loss and every gradient as torch.nn.Sequential",
           "MyReLU como torch.relu (también en 0); MySequential: nombres, pérdida y cada gradiente como "
           "torch.nn.Sequential")


# ---------------------------------------------------------------------------
# 07.3 A stale register
# ---------------------------------------------------------------------------


def register(MyModule2, MyLinear, MyParameter):
    """Exercise 7.3: ``MyModule2.__setattr__`` forgets what a name held before, in both registers."""
    np = numpy()

    class Linear2(MyModule2, MyLinear):      # MyLinear's layer, with the learner's register
        pass

    class Holder(MyModule2):                 # a parameter and a sub-module, to test both registers
        def __init__(self):
            super().__init__()
            self.scale = MyParameter(np.ones(2))
            self.inner = MyLinear(2, 2, np.random.default_rng(0))

    def names(module):
        return sorted(name for name, _ in _named(module, "MyModule2"))

    def expect(module, wanted, what_en, what_es, hint):
        got = names(module)
        if got != sorted(wanted):
            fail_hint(f"MyModule2: after {what_en}, named_parameters() lists {got}; torch.nn lists {sorted(wanted)}.",
                      f"MyModule2: tras {what_es}, named_parameters() da {got}; torch.nn da {sorted(wanted)}.", hint)

    with learner_code("MyModule2"):
        layer = Linear2(4, 3, np.random.default_rng(4))
    expect(layer, ["weight", "bias"], "building a MyLinear on it", "construir un MyLinear sobre él",
           ("a new parameter is not registered: forget the old value of `name` first, then register the new "
            "value (super().__setattr__(name, value)).",
            "un parámetro nuevo no queda registrado: olvida primero el valor viejo de `name` y después registra "
            "el nuevo (super().__setattr__(name, value))."))
    with learner_code("MyModule2"):
        layer.bias = None
    forget_params = ("the parameter register `_params` still holds the old bias: forget `name` in both registers "
                     "(`_params` and `_children`) before registering the new value.",
                     "el registro de parámetros `_params` aún guarda el sesgo viejo: olvida `name` en los dos "
                     "registros (`_params` y `_children`) antes de registrar el valor nuevo.")
    expect(layer, ["weight"], "`layer.bias = None`", "`layer.bias = None`", forget_params)
    if getattr(layer, "bias", "missing") is not None:
        fail("MyModule2: after `layer.bias = None`, the attribute `layer.bias` is not None: __setattr__ must also "
             "store the value as an attribute (super().__setattr__(name, value)).",
             "MyModule2: tras `layer.bias = None`, el atributo `layer.bias` no es None: __setattr__ también debe "
             "guardar el valor como atributo (super().__setattr__(name, value)).")
    with learner_code("MyModule2"):
        new_bias = MyParameter(np.zeros(3))
        layer.bias = new_bias
    expect(layer, ["weight", "bias"], "`layer.bias = MyParameter(...)`", "`layer.bias = MyParameter(...)`",
           ("the new parameter is not registered: forget the old value first, then register the new one.",
            "el parámetro nuevo no queda registrado: olvida primero el valor viejo y después registra el nuevo."))
    if dict(_named(layer, "MyModule2")).get("bias") is not new_bias:
        fail("MyModule2: after `layer.bias = MyParameter(...)`, named_parameters() still gives the old bias.",
             "MyModule2: tras `layer.bias = MyParameter(...)`, named_parameters() aún da el sesgo viejo.")
    with learner_code("MyModule2"):
        layer.bias = 0.0
    expect(layer, ["weight"], "`layer.bias = 0.0` (a plain number, not None)",
           "`layer.bias = 0.0` (un número, no None)",
           ("the name is forgotten only when the new value is None: forget it whatever the new value is.",
            "el nombre solo se olvida cuando el valor nuevo es None: olvídalo sea cual sea el valor nuevo."))
    with learner_code("MyModule2"):
        holder = Holder()
    expect(holder, ["scale", "inner.weight", "inner.bias"], "building a module with a sub-module",
           "construir un módulo con un submódulo", None)
    with learner_code("MyModule2"):
        holder.inner = None
    expect(holder, ["scale"], "`module.inner = None` (a sub-module replaced)",
           "`module.inner = None` (un submódulo sustituido)",
           ("the sub-module register `_children` still holds the old module: forget `name` in `_children` too.",
            "el registro de submódulos `_children` aún guarda el módulo viejo: olvida `name` también en "
            "`_children`."))
    with learner_code("MyModule2"):
        holder.scale = MyLinear(2, 2, np.random.default_rng(1))
    expect(holder, ["scale.weight", "scale.bias"], "`module.scale = MyLinear(...)` (a parameter replaced by a module)",
           "`module.scale = MyLinear(...)` (un parámetro sustituido por un módulo)", forget_params)
    _check_delete(layer, holder, expect, MyParameter)
    passed("MyModule2: both registers follow the attributes set to None, a number, a parameter or a module, "
           "and deleted, as in torch.nn",
           "MyModule2: los dos registros siguen a los atributos cuando reciben None, un número, un parámetro o "
           "un módulo, y cuando se borran, como en torch.nn")


def _check_delete(layer, holder, expect, MyParameter):
    """``del`` a parameter and a sub-module: both leave the register and the attributes, as in torch.nn."""
    hint = ("`del module.name` leaves `name` in the register: `__delattr__` forgets it in both registers "
            "(`_params` and `_children`), then deletes the attribute (super().__delattr__(name)).",
            "`del module.name` deja `name` en el registro: `__delattr__` lo olvida en los dos registros "
            "(`_params` y `_children`) y después borra el atributo (super().__delattr__(name)).")
    with learner_code("MyModule2.__delattr__"):
        layer.bias = MyParameter(numpy().zeros(3))
        del layer.bias
    expect(layer, ["weight"], "`del layer.bias`", "`del layer.bias`", hint)
    with learner_code("MyModule2.__delattr__"):
        del holder.scale
    expect(holder, [], "`del module.scale` (a sub-module)", "`del module.scale` (un submódulo)", hint)
    for module, name in ((layer, "bias"), (holder, "scale")):
        if name in vars(module):
            fail(f"MyModule2: after `del module.{name}` the attribute `{name}` is still there: `__delattr__` must "
                 "also delete it (super().__delattr__(name)).",
                 f"MyModule2: tras `del module.{name}` el atributo `{name}` sigue ahí: `__delattr__` también debe "
                 "borrarlo (super().__delattr__(name)).")
