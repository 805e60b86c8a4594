"""Learner code for the labs of chapters 07-09 (modules, training, whole-array backward).

See labs_corpus.py for the kinds of entries. Chapter 07's learner builds on the
chapter's own MyParameter, MyModule and MyLinear, copied here as the notebook
defines them (they are the chapter's text, not a lab solution).
"""

import numpy as np

import minigrad.functional as F
from minigrad.tensor import Function, Tensor

from labs_corpus import bad, hostile, ok, slow

# ---------------------------------------------------------------------------
# Chapter 07's classes, as the notebook defines them before the lab
# ---------------------------------------------------------------------------


class MyParameter(Tensor):
    def __init__(self, data):
        super().__init__(data, requires_grad=True)


class MyModule:
    def __init__(self):
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "_children", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if isinstance(value, MyParameter):
            self._params[name] = value
        elif isinstance(value, MyModule):
            self._children[name] = value
        object.__setattr__(self, name, value)

    def named_parameters(self, prefix=""):
        for name, param in self._params.items():
            yield prefix + name, param
        for name, child in self._children.items():
            yield from child.named_parameters(prefix + name + ".")

    def parameters(self):
        return [param for _, param in self.named_parameters()]

    def zero_grad(self):
        for param in self.parameters():
            param.grad = None

    def __call__(self, *inputs):
        return self.forward(*inputs)


class MyLinear(MyModule):
    def __init__(self, in_features, out_features, rng):
        super().__init__()
        bound = 1 / np.sqrt(in_features)
        self.weight = MyParameter(rng.uniform(-bound, bound, (out_features, in_features)))
        self.bias = MyParameter(rng.uniform(-bound, bound, out_features))

    def forward(self, x):
        return x @ self.weight.T + self.bias


# ---------------------------------------------------------------------------
# 07.1 Twice: check.twice(Twice)
# ---------------------------------------------------------------------------


@ok("twice", "two lines, named steps")
def _():
    class Twice(MyModule):
        def __init__(self):
            super().__init__()
            self.layer = MyLinear(8, 8, np.random.default_rng(123))

        def forward(self, x):
            hidden = self.layer(x)
            return self.layer(hidden.tanh())

    return (Twice,)


@ok("twice", "a loop of two with tanh between, plus a plain attribute")
def _():
    class Twice(MyModule):
        def __init__(self):
            super().__init__()
            self.times = 2
            self.layer = MyLinear(8, 8, np.random.default_rng(0))

        def forward(self, x):
            for k in range(self.times):
                x = self.layer(x)
                if k < self.times - 1:
                    x = x.tanh()
            return x

    return (Twice,)


@ok("twice", "recursive forward")
def _():
    class Twice(MyModule):
        def __init__(self):
            super().__init__()
            self.layer = MyLinear(8, 8, np.random.default_rng(1))

        def forward(self, x, left=2):
            y = self.layer(x)
            return y if left == 1 else self.forward(y.tanh(), left - 1)

    return (Twice,)


def _twice(forward, layers=1, register=True):
    class Twice(MyModule):
        def __init__(self):
            super().__init__()
            rng = np.random.default_rng(2)
            first = MyLinear(8, 8, rng)
            if register:
                self.layer = first
            else:
                object.__setattr__(self, "layer", first)
            if layers == 2:
                self.layer2 = MyLinear(8, 8, rng)
            if layers == "alias":
                self.again = first

        def forward(self, x):
            return forward(self, x)

    return Twice


@bad("twice", "two separate layers", en=["parameters"], es=["parámetros"])
def _():
    return (_twice(lambda self, x: self.layer2(self.layer(x).tanh()), layers=2),)


@bad("twice", "the same layer registered under a second name", en=["parameters"], es=["parámetros"])
def _():
    return (_twice(lambda self, x: self.again(self.layer(x).tanh()), layers="alias"),)


@bad("twice", "tanh forgotten", en=["tanh"], es=["tanh"])
def _():
    return (_twice(lambda self, x: self.layer(self.layer(x))),)


@bad("twice", "tanh at the end", en=["tanh"], es=["tanh"])
def _():
    return (_twice(lambda self, x: self.layer(self.layer(x)).tanh()),)


@bad("twice", "applied once", en=["twice", "two"], es=["dos veces"])
def _():
    return (_twice(lambda self, x: self.layer(x).tanh()),)


@bad("twice", "layer stored without registering it", en=["parameters"], es=["parámetros"])
def _():
    return (_twice(lambda self, x: self.layer(self.layer(x).tanh()), register=False),)


@hostile("twice", "forward returns None")
def _():
    return (_twice(lambda self, x: None),)


@hostile("twice", "forward returns a numpy array")
def _():
    return (_twice(lambda self, x: self.layer(self.layer(x).tanh()).data),)


@hostile("twice", "__init__ raises")
def _():
    class Twice(MyModule):
        def __init__(self):
            super().__init__()
            self.layer = MyLinear(8, 8)     # forgot the rng

    return (Twice,)


@hostile("twice", "no layer attribute")
def _():
    class Twice(MyModule):
        def __init__(self):
            super().__init__()
            self.lin = MyLinear(8, 8, np.random.default_rng(0))

        def forward(self, x):
            return self.lin(self.lin(x).tanh())

    return (Twice,)


@hostile("twice", "parameters() returns None")
def _():
    Twice = _twice(lambda self, x: self.layer(self.layer(x).tanh()))
    Twice.parameters = lambda self: None
    return (Twice,)


# ---------------------------------------------------------------------------
# 07.2 MySequential: check.sequential(MySequential, MyReLU, MyLinear)
# ---------------------------------------------------------------------------


class _ReLU(MyModule):
    def forward(self, x):
        return x.relu()


@ok("sequential", "a list kept as well, forward over the list")
def _():
    class MySequential(MyModule):
        def __init__(self, *modules):
            super().__init__()
            object.__setattr__(self, "steps", list(modules))
            for i, module in enumerate(modules):
                setattr(self, f"{i}", module)

        def forward(self, x):
            for step in self.steps:
                x = step(x)
            return x

    return MySequential, _ReLU, MyLinear


@ok("sequential", "recursive forward over the names, relu as a mask")
def _():
    class MyReLU(MyModule):
        def forward(self, x):
            return x * Tensor((x.data > 0).astype(float))

    class MySequential(MyModule):
        def __init__(self, *modules):
            super().__init__()
            for i, module in enumerate(modules):
                self.__setattr__(str(i), module)
            object.__setattr__(self, "count", len(modules))

        def forward(self, x, i=0):
            if i == self.count:
                return x
            return self.forward(getattr(self, str(i))(x), i + 1)

    return MySequential, MyReLU, MyLinear


@ok("sequential", "functools.reduce over the register, Tensor.relu(x)")
def _():
    import functools

    class MyReLU(MyModule):
        def forward(self, x):
            return Tensor.relu(x)

    class MySequential(MyModule):
        def __init__(self, *modules):
            super().__init__()
            for i, module in enumerate(modules):
                setattr(self, str(i), module)

        def forward(self, x):
            return functools.reduce(lambda h, m: m(h), self._children.values(), x)

    return MySequential, MyReLU, MyLinear


class _Seq(MyModule):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            setattr(self, str(i), module)

    def forward(self, x):
        for module in self._children.values():
            x = module(x)
        return x


@bad("sequential", "names layer0, layer1, ...", en=["names"], es=["nombres"])
def _():
    class MySequential(_Seq):
        def __init__(self, *modules):
            MyModule.__init__(self)
            for i, module in enumerate(modules):
                setattr(self, f"layer{i}", module)

    return MySequential, _ReLU, MyLinear


@bad("sequential", "modules kept in a plain list, never registered", en=["names"], es=["nombres"])
def _():
    class MySequential(MyModule):
        def __init__(self, *modules):
            super().__init__()
            object.__setattr__(self, "modules", list(modules))

        def forward(self, x):
            for module in self.modules:
                x = module(x)
            return x

    return MySequential, _ReLU, MyLinear


@bad("sequential", "MyReLU returns its input: no non-linearity", en=["MyReLU"], es=["MyReLU"])
def _():
    class MyReLU(MyModule):
        def forward(self, x):
            return x

    return _Seq, MyReLU, MyLinear


@bad("sequential", "MyReLU is a tanh", en=["MyReLU"], es=["MyReLU"])
def _():
    class MyReLU(MyModule):
        def forward(self, x):
            return x.tanh()

    return _Seq, MyReLU, MyLinear


@bad("sequential", "MyReLU's gradient is 1 at 0", en=["MyReLU", "0"], es=["MyReLU", "0"])
def _():
    class MyReLU(MyModule):
        def forward(self, x):
            return x * Tensor((x.data >= 0).astype(float))

    return _Seq, MyReLU, MyLinear


@bad("sequential", "forward skips the middle module", en=["order", "every module"], es=["orden", "cada módulo"])
def _():
    class MySequential(_Seq):
        def forward(self, x):
            modules = list(self._children.values())
            return modules[-1](modules[0](x))

    return MySequential, _ReLU, MyLinear


@bad("sequential", "forward returns the input of the last module", en=["order", "every module"],
     es=["orden", "cada módulo"])
def _():
    class MySequential(_Seq):
        def forward(self, x):
            modules = list(self._children.values())
            for module in modules[:-1]:
                x = module(x)
            return modules[-1](x) * 0 + x.sum(axis=1, keepdims=True)

    return MySequential, _ReLU, MyLinear


@hostile("sequential", "forward returns None")
def _():
    class MySequential(_Seq):
        def forward(self, x):
            for module in self._children.values():
                x = module(x)

    return MySequential, _ReLU, MyLinear


@hostile("sequential", "modules applied in reverse (a shape error in the learner's forward)")
def _():
    class MySequential(_Seq):
        def forward(self, x):
            for module in reversed(list(self._children.values())):
                x = module(x)
            return x

    return MySequential, _ReLU, MyLinear


@hostile("sequential", "MyReLU returns a numpy array")
def _():
    class MyReLU(MyModule):
        def forward(self, x):
            return np.maximum(x.data, 0)

    return _Seq, MyReLU, MyLinear


@hostile("sequential", "named_parameters yields bare parameters")
def _():
    class MySequential(_Seq):
        def named_parameters(self, prefix=""):
            for _, p in super().named_parameters(prefix):
                yield p

    return MySequential, _ReLU, MyLinear


# ---------------------------------------------------------------------------
# 07.3 MyModule2: check.register(MyModule2, MyLinear, MyParameter)
# ---------------------------------------------------------------------------


@ok("register", "del from both registers when present")
def _():
    class MyModule2(MyModule):
        def __setattr__(self, name, value):
            if name in self._params:
                del self._params[name]
            if name in self._children:
                del self._children[name]
            MyModule.__setattr__(self, name, value)

        def __delattr__(self, name):
            if name in self._params:
                del self._params[name]
            if name in self._children:
                del self._children[name]
            object.__delattr__(self, name)

    return MyModule2, MyLinear, MyParameter


@ok("register", "rebuilds both registers without the name")
def _():
    class MyModule2(MyModule):
        def __setattr__(self, name, value):
            for register in ("_params", "_children"):
                kept = {k: v for k, v in getattr(self, register).items() if k != name}
                object.__setattr__(self, register, kept)
            super().__setattr__(name, value)

        def __delattr__(self, name):
            self.__setattr__(name, None)          # forgets it in both registers...
            super().__delattr__(name)             # ...then the attribute goes

    return MyModule2, MyLinear, MyParameter


@ok("register", "a full __setattr__ of its own, replacing in place")
def _():
    class MyModule2(MyModule):
        def __setattr__(self, name, value):
            params, children = self.__dict__["_params"], self.__dict__["_children"]
            if isinstance(value, MyParameter):
                children.pop(name, None)
                params[name] = value
            elif isinstance(value, MyModule):
                params.pop(name, None)
                children[name] = value
            else:
                params.pop(name, None)
                children.pop(name, None)
            self.__dict__[name] = value

        def __delattr__(self, name):
            for register in (self.__dict__["_params"], self.__dict__["_children"]):
                register.pop(name, None)
            del self.__dict__[name]

    return MyModule2, MyLinear, MyParameter


def _module2(setattr_):
    return type("MyModule2", (MyModule,), {"__setattr__": setattr_})


@bad("register", "MyModule's __setattr__ unchanged", en=["register"], es=["registro"])
def _():
    return _module2(lambda self, name, value: MyModule.__setattr__(self, name, value)), MyLinear, MyParameter


@bad("register", "forgets the children register", en=["_children", "module"], es=["_children", "módulo"])
def _():
    def __setattr__(self, name, value):
        self._params.pop(name, None)
        MyModule.__setattr__(self, name, value)

    return _module2(__setattr__), MyLinear, MyParameter


@bad("register", "forgets the parameter register", en=["_params", "parameter"], es=["_params", "parámetro"])
def _():
    def __setattr__(self, name, value):
        self._children.pop(name, None)
        MyModule.__setattr__(self, name, value)

    return _module2(__setattr__), MyLinear, MyParameter


@bad("register", "only forgets when the new value is None", en=["None"], es=["None"])
def _():
    def __setattr__(self, name, value):
        if value is None:
            self._params.pop(name, None)
            self._children.pop(name, None)
        MyModule.__setattr__(self, name, value)

    return _module2(__setattr__), MyLinear, MyParameter


@bad("register", "pops after registering: the new parameter is lost", en=["new"], es=["nuevo"])
def _():
    def __setattr__(self, name, value):
        MyModule.__setattr__(self, name, value)
        self._params.pop(name, None)
        self._children.pop(name, None)

    return _module2(__setattr__), MyLinear, MyParameter


@bad("register", "clears the whole register", en=["weight"], es=["weight"])
def _():
    def __setattr__(self, name, value):
        self._params.clear()
        self._children.clear()
        MyModule.__setattr__(self, name, value)

    return _module2(__setattr__), MyLinear, MyParameter


@bad("register", "never stores the attribute", en=["attribute"], es=["atributo"])
def _():
    def __setattr__(self, name, value):
        self._params.pop(name, None)
        self._children.pop(name, None)
        if isinstance(value, MyParameter):
            self._params[name] = value
        elif isinstance(value, MyModule):
            self._children[name] = value

    return _module2(__setattr__), MyLinear, MyParameter


@bad("register", "no __delattr__: `del layer.bias` leaves the bias registered", en=["__delattr__"], es=["__delattr__"])
def _():
    def __setattr__(self, name, value):
        self._params.pop(name, None)
        self._children.pop(name, None)
        MyModule.__setattr__(self, name, value)

    return _module2(__setattr__), MyLinear, MyParameter


@hostile("register", "del self.name inside __delattr__: endless recursion")
def _():
    def __setattr__(self, name, value):
        self._params.pop(name, None)
        self._children.pop(name, None)
        MyModule.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._params.pop(name, None)
        delattr(self, name)

    return type("MyModule2", (MyModule,), {"__setattr__": __setattr__, "__delattr__": __delattr__}), MyLinear, MyParameter


@hostile("register", "self.name = value inside __setattr__: endless recursion")
def _():
    def __setattr__(self, name, value):
        self._params.pop(name, None)
        self._children.pop(name, None)
        setattr(self, name, value)

    return _module2(__setattr__), MyLinear, MyParameter


@hostile("register", "__setattr__ raises")
def _():
    def __setattr__(self, name, value):
        del self._params[name]            # KeyError for a new name
        MyModule.__setattr__(self, name, value)

    return _module2(__setattr__), MyLinear, MyParameter


# ---------------------------------------------------------------------------
# 08.1 train_step: check.train_step(train_step)
# ---------------------------------------------------------------------------


@ok("train_step", "zero_grad on the model, float(loss.data)")
def _():
    def train_step(model, optimizer, xb, yb):
        model.zero_grad()
        loss = F.cross_entropy(model(Tensor(xb)), yb)
        loss.backward()
        optimizer.step()
        return float(loss.data)

    return (train_step,)


@ok("train_step", "zero_grad after the step")
def _():
    def train_step(model, optimizer, xb, yb):
        logits = model(Tensor(xb))
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return loss.item()

    return (train_step,)


@ok("train_step", "log_softmax and picking the targets")
def _():
    def train_step(model, optimizer, xb, yb):
        optimizer.zero_grad()
        log_p = F.log_softmax(model(Tensor(np.asarray(xb))), axis=1)
        loss = -log_p[np.arange(len(yb)), yb].mean()
        loss.backward()
        optimizer.step()
        return loss.item()

    return (train_step,)


def _step(order, returns=lambda loss: loss.item(), loss_fn=None):
    def train_step(model, optimizer, xb, yb):
        state = {}
        for action in order:
            if action == "zero":
                optimizer.zero_grad()
            elif action == "forward":
                logits = model(Tensor(xb))
                state["loss"] = (loss_fn or F.cross_entropy)(logits, yb)
            elif action == "backward":
                state["loss"].backward()
            elif action == "step":
                optimizer.step()
        return returns(state["loss"])

    return train_step


@bad("train_step", "no zero_grad", en=["zero_grad"], es=["zero_grad"])
def _():
    return (_step(["forward", "backward", "step"]),)


@bad("train_step", "step before backward", en=["step", "backward"], es=["step", "backward"])
def _():
    return (_step(["zero", "forward", "step", "backward"]),)


@bad("train_step", "backward twice", en=["backward"], es=["backward"])
def _():
    return (_step(["zero", "forward", "backward", "backward", "step"]),)


@bad("train_step", "no backward", en=["backward"], es=["backward"])
def _():
    return (_step(["zero", "forward", "step"]),)


@bad("train_step", "returns the loss tensor", en=["float"], es=["float"])
def _():
    return (_step(["zero", "forward", "backward", "step"], returns=lambda loss: loss),)


@bad("train_step", "the sum of the losses, not the mean", en=["mean", "loss"], es=["media", "pérdida"])
def _():
    def summed(logits, yb):
        return F.cross_entropy(logits, yb) * len(yb)

    return (_step(["zero", "forward", "backward", "step"], loss_fn=summed),)


@bad("train_step", "steps twice", en=["step"], es=["step", "paso"])
def _():
    return (_step(["zero", "forward", "backward", "step", "step"]),)


@hostile("train_step", "returns None")
def _():
    return (_step(["zero", "forward", "backward", "step"], returns=lambda loss: None),)


@hostile("train_step", "returns a string")
def _():
    return (_step(["zero", "forward", "backward", "step"], returns=lambda loss: f"{loss.item():.3f}"),)


@hostile("train_step", "returns a numpy array")
def _():
    return (_step(["zero", "forward", "backward", "step"], returns=lambda loss: loss.data),)


@hostile("train_step", "raises")
def _():
    def train_step(model, optimizer, xb, yb):
        return model(xb)      # a numpy batch into the model

    return (train_step,)


# ---------------------------------------------------------------------------
# 08.2 my_cross_entropy: check.cross_entropy(my_cross_entropy)
# ---------------------------------------------------------------------------


@ok("cross_entropy", "log-sum-exp form")
def _():
    def my_cross_entropy(logits, targets):
        m = logits.max(axis=1, keepdims=True)
        lse = m + (logits - m).exp().sum(axis=1, keepdims=True).log()
        picked = logits[np.arange(logits.shape[0]), targets]
        return (lse.reshape(-1) - picked).mean()

    return (my_cross_entropy,)


@ok("cross_entropy", "one-hot matrix, constant shift")
def _():
    def my_cross_entropy(logits, targets):
        shift = Tensor(logits.data.max(axis=1, keepdims=True))       # a constant: no gradient path
        z = logits - shift
        log_p = z - z.exp().sum(axis=1, keepdims=True).log()
        onehot = Tensor(np.eye(logits.shape[1])[targets])
        return -(log_p * onehot).sum() / len(targets)

    return (my_cross_entropy,)


@ok("cross_entropy", "a loop over the rows")
def _():
    def my_cross_entropy(logits, targets):
        total = None
        for i, t in enumerate(targets):
            row = logits[i]
            z = row - row.max()
            term = z.exp().sum().log() - z[int(t)]
            total = term if total is None else total + term
        return total * (1.0 / len(targets))

    return (my_cross_entropy,)


def _ce(body):
    def my_cross_entropy(logits, targets):
        return body(logits, np.asarray(targets))

    return my_cross_entropy


def _log_softmax(logits, shift=True, axis=1):
    z = logits - logits.max(axis=axis, keepdims=True) if shift else logits
    return z - z.exp().sum(axis=1, keepdims=True).log()


@bad("cross_entropy", "no max shift: overflows at 1000", en=["largest logit", "1000"], es=["mayor logit", "1000"])
def _():
    return (_ce(lambda x, t: -_log_softmax(x, shift=False)[np.arange(len(t)), t].mean()),)


@bad("cross_entropy", "softmax then log: log(0) at -1000", en=["1000", "log"], es=["1000", "log"])
def _():
    def body(x, t):
        e = (x - x.max(axis=1, keepdims=True)).exp()
        p = e / e.sum(axis=1, keepdims=True)
        return -p.log()[np.arange(len(t)), t].mean()

    return (_ce(body),)


@bad("cross_entropy", "sum instead of mean", en=["mean"], es=["media"])
def _():
    return (_ce(lambda x, t: -_log_softmax(x)[np.arange(len(t)), t].sum()),)


@bad("cross_entropy", "the minus sign forgotten", en=["sign"], es=["signo"])
def _():
    return (_ce(lambda x, t: _log_softmax(x)[np.arange(len(t)), t].mean()),)


@bad("cross_entropy", "F.cross_entropy, which the exercise forbids", en=["elementary"], es=["elementales"])
def _():
    return (_ce(lambda x, t: F.cross_entropy(x, t)),)


@bad("cross_entropy", "F.log_softmax, then picks the targets itself", en=["elementary"], es=["elementales"])
def _():
    return (_ce(lambda x, t: -F.log_softmax(x, axis=1)[np.arange(len(t)), t].mean()),)


@bad("cross_entropy", "log_p[:, targets]: a whole matrix", en=["target"], es=["objetivo", "clase"])
def _():
    return (_ce(lambda x, t: -_log_softmax(x)[:, t].mean()),)


@bad("cross_entropy", "max over the batch axis", en=["axis"], es=["eje"])
def _():
    return (_ce(lambda x, t: -_log_softmax(x, axis=0)[np.arange(len(t)), t].mean()),)


@hostile("cross_entropy", "returns a float")
def _():
    return (_ce(lambda x, t: -_log_softmax(x)[np.arange(len(t)), t].mean().item()),)


@hostile("cross_entropy", "returns None")
def _():
    return (_ce(lambda x, t: None),)


@hostile("cross_entropy", "returns the per-example losses")
def _():
    return (_ce(lambda x, t: -_log_softmax(x)[np.arange(len(t)), t]),)


@hostile("cross_entropy", "returns a numpy number")
def _():
    return (_ce(lambda x, t: -_log_softmax(x).data[np.arange(len(t)), t].mean()),)


@hostile("cross_entropy", "raises")
def _():
    return (_ce(lambda x, t: -_log_softmax(x)[t].mean(axis=7)),)


# ---------------------------------------------------------------------------
# 08.3 MySGD: check.my_sgd(MySGD)   and   08.4 check.digits_from_scratch(TinyMLP, MySGD)
# ---------------------------------------------------------------------------


class _GoodSGD:
    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.data -= self.lr * p.grad


@ok("my_sgd", "p.data rebound, not updated in place")
def _():
    class MySGD:
        def __init__(self, params, lr):
            self.params, self.lr = tuple(params), lr

        def zero_grad(self):
            for p in self.params:
                p.grad = None

        def step(self):
            for p in self.params:
                if p.grad is None:
                    continue
                p.data = p.data - self.lr * p.grad

    return (MySGD,)


@ok("my_sgd", "zero_grad fills zeros; np.subtract with out=")
def _():
    class MySGD:
        def __init__(self, params, lr):
            self.params = [p for p in params]
            self.lr = lr

        def zero_grad(self):
            for p in self.params:
                if p.grad is not None:
                    p.grad = np.zeros_like(p.grad)

        def step(self):
            for p in filter(lambda p: p.grad is not None, self.params):
                np.subtract(p.data, self.lr * p.grad, out=p.data)

    return (MySGD,)


@ok("my_sgd", "a dataclass-like optimizer with a generator of updates")
def _():
    class MySGD:
        def __init__(self, params, lr):
            self.groups = [{"params": list(params), "lr": lr}]

        def zero_grad(self):
            for group in self.groups:
                for p in group["params"]:
                    p.grad = None

        def step(self):
            updates = ((p, g["lr"] * p.grad) for g in self.groups for p in g["params"] if p.grad is not None)
            for p, delta in updates:
                p.data -= delta

    return (MySGD,)


def _sgd(step=None, zero_grad=None, init=None):
    body = {}
    if step is not None:
        body["step"] = step
    if zero_grad is not None:
        body["zero_grad"] = zero_grad
    if init is not None:
        body["__init__"] = init
    return type("MySGD", (_GoodSGD,), body)


@bad("my_sgd", "step crashes on a None gradient", en=["None"], es=["None"])
def _():
    def step(self):
        for p in self.params:
            p.data -= self.lr * p.grad

    return (_sgd(step=step),)


@bad("my_sgd", "+= : climbs the loss", en=["sign"], es=["signo"])
def _():
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.data += self.lr * p.grad

    return (_sgd(step=step),)


@bad("my_sgd", "zero_grad does nothing", en=["zero_grad"], es=["zero_grad"])
def _():
    return (_sgd(zero_grad=lambda self: None),)


@bad("my_sgd", "lr ignored", en=["lr"], es=["lr"])
def _():
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.data -= 0.01 * p.grad

    return (_sgd(step=step),)


@bad("my_sgd", "weight decay added unasked", en=["lr * p.grad"], es=["lr * p.grad"])
def _():
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.data -= self.lr * (p.grad + 1e-3 * p.data)

    return (_sgd(step=step),)


@bad("my_sgd", "`=` for `-=`: p.data becomes the step itself", en=["lr * p.grad"], es=["lr * p.grad"])
def _():
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.data = self.lr * p.grad

    return (_sgd(step=step),)


@bad("my_sgd", "zero_grad stops after the first parameter", en=["zero_grad"], es=["zero_grad"])
def _():
    def zero_grad(self):
        for p in self.params:
            p.grad = None
            break

    return (_sgd(zero_grad=zero_grad),)


@hostile("my_sgd", "step raises")
def _():
    def step(self):
        raise ValueError("not today")

    return (_sgd(step=step),)


@hostile("my_sgd", "step writes strings")
def _():
    def step(self):
        for p in self.params:
            p.data = "updated"

    return (_sgd(step=step),)


class _Param(Tensor):
    def __init__(self, data):
        super().__init__(data, requires_grad=True)


class _Dense:
    """A learner's layer: weight stored (n_in, n_out), x @ W + b."""

    def __init__(self, n_in, n_out, rng):
        self.W = _Param(rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)))
        self.b = _Param(np.zeros(n_out))

    def __call__(self, x):
        return x @ self.W + self.b


def _tiny(forward, params, hidden_init=None):
    class TinyMLP:
        def __init__(self, n_in, n_hidden, n_out, rng):
            self.l1 = _Dense(n_in, n_hidden, rng)
            self.l2 = _Dense(n_hidden, n_out, rng)
            if hidden_init is not None:
                hidden_init(self)

        def __call__(self, x):
            return forward(self, x)

        def parameters(self):
            return params(self)

    return TinyMLP


_ALL = lambda self: [self.l1.W, self.l1.b, self.l2.W, self.l2.b]
_RELU = lambda self, x: self.l2(self.l1(x).relu())


@ok("digits_from_scratch", "(n_in, n_out) weights, He init, list")
def _():
    return _tiny(_RELU, _ALL), _GoodSGD


@ok("digits_from_scratch", "plain Tensors, parameters() a generator, PyTorch-style weights")
def _():
    class TinyMLP:
        def __init__(self, n_in, n_hidden, n_out, rng):
            b1, b2 = 1 / np.sqrt(n_in), 1 / np.sqrt(n_hidden)
            self.w1 = Tensor(rng.uniform(-b1, b1, (n_hidden, n_in)), requires_grad=True)
            self.c1 = Tensor(rng.uniform(-b1, b1, n_hidden), requires_grad=True)
            self.w2 = Tensor(rng.uniform(-b2, b2, (n_out, n_hidden)), requires_grad=True)
            self.c2 = Tensor(rng.uniform(-b2, b2, n_out), requires_grad=True)

        def __call__(self, x):
            h = (x @ self.w1.T + self.c1).relu()
            return h @ self.w2.T + self.c2

        def parameters(self):
            yield from (self.w1, self.c1, self.w2, self.c2)

    return TinyMLP, _GoodSGD


@ok("digits_from_scratch", "layers in a list, a dict of parameters")
def _():
    class TinyMLP:
        def __init__(self, n_in, n_hidden, n_out, rng):
            self.layers = [_Dense(n_in, n_hidden, rng), "relu", _Dense(n_hidden, n_out, rng)]

        def __call__(self, x):
            for layer in self.layers:
                x = x.relu() if layer == "relu" else layer(x)
            return x

        def parameters(self):
            found = {}
            for layer in self.layers:
                if layer != "relu":
                    found[id(layer.W)], found[id(layer.b)] = layer.W, layer.b
            return list(found.values())

    return TinyMLP, _GoodSGD


@ok("digits_from_scratch", "float32 weights in the (n_in, n_out) layout")
def _():
    class TinyMLP:
        def __init__(self, n_in, n_hidden, n_out, rng):
            self.w1 = Tensor(rng.normal(0, 0.3, (n_in, n_hidden)).astype(np.float32), requires_grad=True)
            self.b1 = Tensor(np.zeros(n_hidden, np.float32), requires_grad=True)
            self.w2 = Tensor(rng.normal(0, 0.3, (n_hidden, n_out)).astype(np.float32), requires_grad=True)
            self.b2 = Tensor(np.zeros(n_out, np.float32), requires_grad=True)

        def __call__(self, x):
            return (x @ self.w1 + self.b1).relu() @ self.w2 + self.b2

        def parameters(self):
            return [self.w1, self.b1, self.w2, self.b2]

    return TinyMLP, _GoodSGD


@bad("digits_from_scratch", "no non-linearity", en=["non-linear", "linear"], es=["no lineal", "lineal"])
def _():
    return _tiny(lambda self, x: self.l2(self.l1(x)), _ALL), _GoodSGD


@bad("digits_from_scratch", "parameters() leaves out the biases", en=["parameters()"], es=["parameters()"])
def _():
    return _tiny(_RELU, lambda self: [self.l1.W, self.l2.W]), _GoodSGD


@bad("digits_from_scratch", "relu through numpy: the hidden layer gets no gradient", en=["gradient"],
     es=["gradiente"])
def _():
    return _tiny(lambda self, x: self.l2(Tensor(np.maximum(self.l1(x).data, 0))), _ALL), _GoodSGD


@bad("digits_from_scratch", "all weights zero: the hidden units never differ", en=["random"], es=["azar"])
def _():
    def zeros(self):
        for layer in (self.l1, self.l2):
            layer.W.data[...] = 0.0

    return _tiny(_RELU, _ALL, hidden_init=zeros), _GoodSGD


@bad("digits_from_scratch", "an optimizer that climbs", en=["accuracy"], es=["exactitud"])
def _():
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.data += self.lr * p.grad

    return _tiny(_RELU, _ALL), _sgd(step=step)


@hostile("digits_from_scratch", "parameters() returns None")
def _():
    return _tiny(_RELU, lambda self: None), _GoodSGD


@hostile("digits_from_scratch", "the model returns a numpy array")
def _():
    return _tiny(lambda self, x: _RELU(self, x).data, _ALL), _GoodSGD


@hostile("digits_from_scratch", "logits transposed")
def _():
    return _tiny(lambda self, x: _RELU(self, x).T, _ALL), _GoodSGD


@hostile("digits_from_scratch", "parameters() lists numpy arrays")
def _():
    return _tiny(_RELU, lambda self: [p.data for p in _ALL(self)]), _GoodSGD


# ---------------------------------------------------------------------------
# 09.1 MyMatMul: check.matmul_backward(MyMatMul)
# ---------------------------------------------------------------------------


def _matmul(backward):
    class MyMatMul(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a @ b

    MyMatMul.backward = staticmethod(lambda ctx, g: backward(*ctx.saved_arrays, g, ctx))
    return MyMatMul


@ok("matmul_backward", "a list, np.dot and .transpose()")
def _():
    return (_matmul(lambda a, b, g, ctx: [np.dot(g, b.transpose()), np.dot(a.transpose(), g)]),)


@ok("matmul_backward", "einsum, a generator")
def _():
    return (_matmul(lambda a, b, g, ctx: (x for x in (np.einsum("nm,km->nk", g, b), np.einsum("nk,nm->km", a, g)))),)


@ok("matmul_backward", "None where no gradient is needed, a tuple")
def _():
    def backward(a, b, g, ctx):
        da = g @ b.T if ctx.needs_input_grad[0] else None
        db = a.T @ g if ctx.needs_input_grad[1] else None
        return da, db

    return (_matmul(backward),)


@ok("matmul_backward", "an object array of the two gradients")
def _():
    def backward(a, b, g, ctx):
        grads = np.empty(2, dtype=object)
        grads[0], grads[1] = g @ b.T, a.T @ g
        return grads

    return (_matmul(backward),)


@bad("matmul_backward", "b @ grad_out: right shape only when square", en=["dL/dA"], es=["dL/dA"])
def _():
    return (_matmul(lambda a, b, g, ctx: (b @ g if b.shape[1] == g.shape[0] else g @ b.T, a.T @ g)),)


@bad("matmul_backward", "the two gradients swapped (square matrices hide it)", en=["order", "swapped"],
     es=["orden", "intercambiad"])
def _():
    def backward(a, b, g, ctx):
        da, db = g @ b.T, a.T @ g
        return (db, da) if da.shape == db.shape else (da, db)

    return (_matmul(backward),)


@bad("matmul_backward", "ignores grad_out", en=["grad_out"], es=["grad_out"])
def _():
    return (_matmul(lambda a, b, g, ctx: (np.ones_like(g) @ b.T, a.T @ np.ones_like(g))),)


@bad("matmul_backward", "a sign flip", en=["sign"], es=["signo"])
def _():
    return (_matmul(lambda a, b, g, ctx: (-(g @ b.T), -(a.T @ g))),)


@bad("matmul_backward", "grad_out @ b: no transpose", en=["transpose"], es=["traspuesta", "transpuesta"])
def _():
    return (_matmul(lambda a, b, g, ctx: (g @ b if g.shape[1] == b.shape[0] else g @ b.T, a.T @ g)),)


@bad("matmul_backward", "dL/db forgotten (None)", en=["None"], es=["None"])
def _():
    return (_matmul(lambda a, b, g, ctx: (g @ b.T, None)),)


@hostile("matmul_backward", "returns None")
def _():
    return (_matmul(lambda a, b, g, ctx: None),)


@hostile("matmul_backward", "returns one array")
def _():
    return (_matmul(lambda a, b, g, ctx: g @ b.T),)


@hostile("matmul_backward", "returns three arrays")
def _():
    return (_matmul(lambda a, b, g, ctx: (g @ b.T, a.T @ g, g)),)


@hostile("matmul_backward", "raises a shape error")
def _():
    return (_matmul(lambda a, b, g, ctx: (g @ b, a @ g)),)


@hostile("matmul_backward", "returns strings")
def _():
    return (_matmul(lambda a, b, g, ctx: ("dA", "dB")),)


# ---------------------------------------------------------------------------
# 09.2 SoftmaxCrossEntropy: check.cross_entropy_backward(SoftmaxCrossEntropy)
# ---------------------------------------------------------------------------


def _sce(backward):
    class SoftmaxCrossEntropy(Function):
        @staticmethod
        def forward(ctx, logits, targets):
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            ctx.save_for_backward(np.exp(log_p), targets)
            return -log_p[np.arange(len(targets)), targets].mean()

    SoftmaxCrossEntropy.backward = staticmethod(lambda ctx, g: backward(*ctx.saved_arrays, g))
    return SoftmaxCrossEntropy


@ok("cross_entropy_backward", "copy p, subtract 1 at the targets, bare array")
def _():
    def backward(p, t, g):
        d = p.copy()
        d[np.arange(len(t)), t] -= 1
        return d * (g / len(t))

    return (_sce(backward),)


@ok("cross_entropy_backward", "np.eye one-hot, a list")
def _():
    return (_sce(lambda p, t, g: [g * (p - np.eye(p.shape[1])[t]) / p.shape[0]]),)


@ok("cross_entropy_backward", "np.add.at, a generator")
def _():
    def backward(p, t, g):
        y = np.zeros(p.shape)
        np.add.at(y, (np.arange(len(t)), t), 1.0)
        return (x for x in [(p - y) / len(t) * g])

    return (_sce(backward),)


def _onehot(p, t):
    y = np.zeros_like(p)
    y[np.arange(len(t)), t] = 1.0
    return y


@bad("cross_entropy_backward", "no 1/N", en=["divide by N"], es=["divide entre N"])
def _():
    return (_sce(lambda p, t, g: (g * (p - _onehot(p, t)),)),)


@bad("cross_entropy_backward", "y - p", en=["sign"], es=["signo"])
def _():
    return (_sce(lambda p, t, g: (g * (_onehot(p, t) - p) / len(t),)),)


@bad("cross_entropy_backward", "ignores grad_out", en=["grad_out"], es=["grad_out"])
def _():
    return (_sce(lambda p, t, g: ((p - _onehot(p, t)) / len(t),)),)


@bad("cross_entropy_backward", "forgets p: -y / N", en=["p - y", "softmax"], es=["p - y", "softmax"])
def _():
    return (_sce(lambda p, t, g: (-g * _onehot(p, t) / len(t),)),)


@bad("cross_entropy_backward", "divides by the number of classes", en=["N"], es=["N"])
def _():
    return (_sce(lambda p, t, g: (g * (p - _onehot(p, t)) / p.shape[1],)),)


@bad("cross_entropy_backward", "p alone: the one-hot forgotten", en=["p - y", "one-hot"], es=["p - y", "one-hot"])
def _():
    return (_sce(lambda p, t, g: (g * p / len(t),)),)


@hostile("cross_entropy_backward", "returns None")
def _():
    return (_sce(lambda p, t, g: None),)


@hostile("cross_entropy_backward", "returns a gradient for the targets too")
def _():
    return (_sce(lambda p, t, g: (g * (p - _onehot(p, t)) / len(t), None)),)


@hostile("cross_entropy_backward", "returns the gradient transposed")
def _():
    return (_sce(lambda p, t, g: ((g * (p - _onehot(p, t)) / len(t)).T,)),)


@hostile("cross_entropy_backward", "raises")
def _():
    return (_sce(lambda p, t, g: (g * (p - t) / len(t),)),)


# ---------------------------------------------------------------------------
# Code that never returns: the check stops it (tests run it under a short time cap)
# ---------------------------------------------------------------------------


def _forever(result=None):
    import time

    stop = time.monotonic() + 60
    while time.monotonic() < stop:
        pass
    return result


@slow("my_sgd", "step never returns")
def _():
    return (_sgd(step=lambda self: _forever()),)


@slow("register", "__setattr__ waits forever")
def _():
    return _module2(lambda self, name, value: _forever()), MyLinear, MyParameter


@slow("matmul_backward", "backward never returns")
def _():
    return (_matmul(lambda a, b, g, ctx: _forever((g @ b.T, a.T @ g))),)


@slow("train_step", "an endless loop over the batch")
def _():
    def train_step(model, optimizer, xb, yb):
        i = 0
        while i < len(xb):          # forgets i += 1
            optimizer.zero_grad()
        return 0.0

    return (train_step,)
