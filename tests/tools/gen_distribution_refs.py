#!/usr/bin/python3
"""Writes tests/runtime/data/distribution_refs.json: reference values for
Kiln's distributions, transforms and KL divergences, computed by PyTorch
(Debian 12's python3-torch, 1.13.1) in float64. tests/runtime/
distribution_refs_test.cpp builds the same objects through Kiln's builtins and
compares. Needed only to regenerate the file, never by the tests:

    apt-get install -y python3-torch
    /usr/bin/python3 tests/tools/gen_distribution_refs.py

Every input is a literal below (no random numbers), so the output is the same
on every run; review `git diff tests/runtime/data` after regenerating.

The file is JSON with one case per line. Tensors are
{"shape": [...], "data": nested lists} plus "dtype": "int64" when not float64;
nan and infinities are the strings "nan", "inf", "-inf" (JSON has no such
numbers). Floats are Python's repr: the shortest decimal that reads back as the
same double (at most 17 significant digits). A constructor is
{"name": "Normal", "args": [...], "kwargs": {...}}, where an argument is a
tensor, {"int": n}, {"float": x} or {"dist": constructor}: exactly what a Kiln
program passes, by position or by torch's keyword names.

Quantities torch does not define (it raises NotImplementedError) are left out
of a case, not recorded. Two classes are not in torch 1.13 and get their
references from definitions instead (noted in their cases' "reference"):
Delta (Pyro's point mass) and InverseGamma (1/X for X ~ Gamma, as torch >= 2.1
defines it). biject_to in torch 1.13 covers neither lower_cholesky nor
positive_definite; their references are torch's LowerCholeskyTransform and
L L^T of it (the definition torch >= 2.0 gives PositiveDefiniteTransform),
without log_abs_det_jacobian, which torch does not define for them.
"""
import json
import math
import os
import sys

import torch
import torch.distributions as D
from torch.distributions import constraints, transforms

torch.set_default_dtype(torch.float64)

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "data",
                      "distribution_refs.json")


def t(x, dtype=torch.float64):
    return torch.tensor(x, dtype=dtype)


def ints(x):
    return torch.tensor(x, dtype=torch.int64)


# ---------------------------------------------------------------- encoding

def encode_number(x):
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return x
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(x)


def encode_nested(x):
    if isinstance(x, list):
        return [encode_nested(e) for e in x]
    return encode_number(x)


def encode_tensor(x):
    x = x.detach()
    out = {"shape": list(x.shape)}
    if x.dtype == torch.int64:
        out["dtype"] = "int64"
    elif x.dtype == torch.bool:
        out["dtype"] = "bool"
        x = x.to(torch.int64)
    elif x.dtype != torch.float64:
        raise TypeError(f"unexpected dtype {x.dtype}")
    out["data"] = encode_nested(x.tolist())
    return out


class Ctor:
    """A distribution constructor call as a Kiln program writes it."""

    def __init__(self, name, *args, **kwargs):
        self.name, self.args, self.kwargs = name, args, kwargs

    def build(self):
        make = REFERENCE_CLASSES.get(self.name) or getattr(D, self.name)
        args = [a.build() if isinstance(a, Ctor) else a for a in self.args]
        kwargs = {k: (v.build() if isinstance(v, Ctor) else v) for k, v in self.kwargs.items()}
        return make(*args, **kwargs)

    def to_json(self):
        out = {"name": self.name, "args": [encode_arg(a) for a in self.args]}
        if self.kwargs:
            out["kwargs"] = {k: encode_arg(v) for k, v in self.kwargs.items()}
        return out


def encode_arg(a):
    if isinstance(a, Ctor):
        return {"dist": a.to_json()}
    if isinstance(a, torch.Tensor):
        return encode_tensor(a)
    if isinstance(a, bool):
        raise TypeError("no bool arguments expected")
    if isinstance(a, int):
        return {"int": a}
    if isinstance(a, float):
        return {"float": encode_number(a)}
    raise TypeError(f"cannot encode argument {a!r}")


# ------------------------------------------- classes torch 1.13 does not have

class DeltaReference:
    """Pyro's Delta(v, log_density=0.0, event_dim=0) from its definition: a
    point mass at v; log p(x) sums log(x == v) (0 or -inf) over the event dims."""

    reference = "definition (torch has no Delta): log p = sum over event dims of log(x == v)"

    def __init__(self, v, event_dim=0):
        self.v, self.event_dim = v, event_dim
        split = v.dim() - event_dim
        self.batch_shape, self.event_shape = v.shape[:split], v.shape[split:]
        self.has_enumerate_support = False

    def log_prob(self, x):
        lp = (x == self.v).to(torch.float64).log()
        return lp.sum(dim=list(range(-self.event_dim, 0))) if self.event_dim else lp

    @property
    def mean(self):
        return self.v

    @property
    def variance(self):
        return torch.zeros_like(self.v)

    def entropy(self):
        raise NotImplementedError

    def cdf(self, x):
        raise NotImplementedError

    def icdf(self, q):
        raise NotImplementedError


class InverseGammaReference(D.TransformedDistribution):
    """1/X for X ~ Gamma(concentration, rate): log_prob and cdf through torch's
    TransformedDistribution; moments and entropy from their closed forms
    (mean r/(a-1) for a > 1, variance r^2/((a-1)^2 (a-2)) for a > 2, else inf;
    entropy a + log r + lgamma(a) - (1 + a) digamma(a))."""

    reference = ("TransformedDistribution(Gamma(concentration, rate), PowerTransform(-1)); "
                 "closed-form mean, variance, entropy (torch 1.13 has no InverseGamma)")

    def __init__(self, concentration, rate):
        self.a, self.r = torch.broadcast_tensors(concentration, rate)
        super().__init__(D.Gamma(self.a, self.r), transforms.PowerTransform(t(-1.0)))

    @property
    def mean(self):
        return torch.where(self.a > 1, self.r / (self.a - 1), t(math.inf))

    @property
    def variance(self):
        v = self.r**2 / ((self.a - 1)**2 * (self.a - 2))
        return torch.where(self.a > 2, v, t(math.inf))

    def entropy(self):
        a = self.a
        return a + self.r.log() + torch.lgamma(a) - (1 + a) * torch.digamma(a)


REFERENCE_CLASSES = {"Delta": DeltaReference, "InverseGamma": InverseGammaReference}


# ------------------------------------------------------------ distributions

def is_not_implemented(f):
    try:
        return False, f()
    except NotImplementedError:
        return True, None


def record_distribution(name, index, ctor, values, cdf_at=(), icdf_at=()):
    d = ctor.build()
    case = {"dist": name, "set": index, "ctor": ctor.to_json()}
    if hasattr(d, "reference"):
        case["reference"] = d.reference
    case["batch_shape"] = list(d.batch_shape)
    case["event_shape"] = list(d.event_shape)
    case["log_prob"] = [{"value": encode_tensor(v), "result": encode_tensor(d.log_prob(v))}
                        for v in values]
    for quantity, f in (("mean", lambda: d.mean), ("variance", lambda: d.variance),
                        ("entropy", d.entropy)):
        missing, result = is_not_implemented(f)
        if not missing:
            case[quantity] = encode_tensor(result)
    for quantity, points, f in (("cdf", cdf_at, d.cdf), ("icdf", icdf_at, d.icdf)):
        records = []
        for p in points:
            missing, result = is_not_implemented(lambda: f(p))
            if missing:
                break
            records.append({"value": encode_tensor(p), "result": encode_tensor(result)})
        if records:
            case[quantity] = records
    if d.has_enumerate_support:
        support = {}
        for key, expand in (("expand", True), ("no_expand", False)):
            missing, result = is_not_implemented(lambda: d.enumerate_support(expand=expand))
            if not missing:
                support[key] = encode_tensor(result)
        if support:
            case["enumerate_support"] = support
    return case


PROBS_ICDF = [t([0.01, 0.5, 0.975]), t(0.3)]


def corr_cholesky(x):
    return transforms.CorrCholeskyTransform()(x)


def distribution_cases():
    C = Ctor
    sets = {
        "Normal": [
            (C("Normal", t(0.5), t(1.3)), [t(0.3), t([-1.2, 0.0, 2.5])],
             [t([-1.0, 0.5, 3.0])], PROBS_ICDF),
            (C("Normal", t([-1.0, 0.0, 2.0]), t(0.7)), [t([0.1, -0.5, 2.2]), t([[0.0], [1.5]]), t(0.25)],
             [t([-1.0, 0.5, 3.0]), t([[0.0], [-2.0]])], [t([0.05, 0.5, 0.99]), t([[0.2], [0.7]])]),
            (C("Normal", t([[0.0], [1.0]]), t([0.5, 1.0, 2.0])), [t(0.4), t([-3.0, 0.0, 9.0])],
             [t(0.4)], [t(0.8)]),
        ],
        "LogNormal": [
            (C("LogNormal", t(0.2), t(0.8)), [t(1.3), t([0.05, 1.0, 7.5])], [t([0.5, 1.0, 4.0])],
             PROBS_ICDF),
            (C("LogNormal", t([-1.0, 0.0, 1.5]), t(0.5)), [t([0.3, 1.1, 4.0]), t([[0.5], [2.0]])],
             [t([[0.5], [2.0]])], [t([0.1, 0.5, 0.9])]),
        ],
        "HalfNormal": [
            (C("HalfNormal", t(1.5)), [t(0.7), t([0.0, 0.01, 4.2])], [t([0.1, 1.0, 3.0])], PROBS_ICDF),
            (C("HalfNormal", t([0.5, 1.0, 2.0])), [t([0.3, 1.0, 5.0]), t([[0.2], [2.5]])],
             [t(1.0)], [t([0.1, 0.5, 0.9])]),
        ],
        "Cauchy": [
            (C("Cauchy", t(-0.5), t(2.0)), [t(0.3), t([-40.0, 0.0, 3.0])], [t([-3.0, 0.0, 10.0])],
             PROBS_ICDF),
            (C("Cauchy", t([-1.0, 0.0, 2.0]), t(0.7)), [t([0.1, -0.5, 2.2]), t([[0.0], [1.5]])],
             [t([[0.0], [-2.0]])], [t([0.05, 0.5, 0.99])]),
        ],
        "HalfCauchy": [
            (C("HalfCauchy", t(1.0)), [t(0.7), t([0.0, 2.0, 50.0])], [t([0.1, 1.0, 30.0])], PROBS_ICDF),
            (C("HalfCauchy", t([0.5, 2.0])), [t([0.3, 1.0]), t([[0.2], [6.0]])], [t(1.0)],
             [t([0.25, 0.75])]),
        ],
        "StudentT": [
            (C("StudentT", t(3.0)), [t(0.3), t([-4.0, 0.0, 12.0])], [t(0.5)], [t(0.5)]),
            (C("StudentT", t([0.8, 1.5, 2.5, 5.0]), t(1.0), t(2.0)), [t([0.0, 1.0, -3.0, 8.0]), t(1.5)],
             [], []),
            (C("StudentT", t(4.0), t([0.0, 1.0]), t([[1.0], [3.0]])), [t([[0.5, -1.0], [2.0, 0.0]])],
             [], []),
        ],
        "Laplace": [
            (C("Laplace", t(0.5), t(1.3)), [t(0.3), t([-1.2, 0.5, 2.5])], [t([-1.0, 0.5, 3.0])],
             PROBS_ICDF),
            (C("Laplace", t([-1.0, 0.0, 2.0]), t(0.7)), [t([0.1, -0.5, 2.2]), t([[0.0], [1.5]])],
             [t([[0.0], [-2.0]])], [t([0.05, 0.5, 0.99])]),
        ],
        "Gumbel": [
            (C("Gumbel", t(0.5), t(1.3)), [t(0.3), t([-1.2, 0.0, 6.5])], [t([-1.0, 0.5, 3.0])],
             PROBS_ICDF),
            (C("Gumbel", t([-1.0, 0.0, 2.0]), t(0.7)), [t([0.1, -0.5, 2.2]), t([[0.0], [1.5]])],
             [t([[0.0], [-2.0]])], [t([0.05, 0.5, 0.99])]),
        ],
        "Uniform": [
            (C("Uniform", t(-1.0), t(2.0)), [t(0.3), t([-1.0, 0.0, 1.999])], [t([-1.0, 0.5, 2.0])],
             PROBS_ICDF),
            (C("Uniform", t([0.0, 1.0, -2.0]), t(3.0)), [t([1.5, 2.0, 2.9]), t([[1.25], [2.5]])],
             [t([[1.25], [2.5]])], [t([0.1, 0.5, 0.9])]),
        ],
        "Exponential": [
            (C("Exponential", t(2.0)), [t(0.3), t([0.0, 1.0, 5.0])], [t([0.0, 0.5, 3.0])], PROBS_ICDF),
            (C("Exponential", t([0.5, 1.0, 3.0])), [t([0.1, 2.0, 0.7]), t([[0.5], [4.0]])],
             [t([[0.5], [4.0]])], [t([0.1, 0.5, 0.9])]),
        ],
        "Gamma": [
            (C("Gamma", t(2.5), t(1.5)), [t(0.3), t([0.01, 1.0, 9.0])], [t([0.2, 1.5, 6.0])], []),
            (C("Gamma", t([0.5, 1.0, 4.0]), t(2.0)), [t([0.1, 2.0, 0.7]), t([[0.5], [4.0]])],
             [t([[0.5], [4.0]])], []),
            (C("Gamma", t([[0.8], [3.0]]), t([0.5, 2.0])), [t(1.2)], [t(1.2)], []),
        ],
        "InverseGamma": [
            (C("InverseGamma", t(3.5), t(1.5)), [t(0.3), t([0.05, 1.0, 9.0])], [t([0.2, 0.6, 3.0])], []),
            (C("InverseGamma", t([0.5, 1.5, 2.5]), t(2.0)), [t([0.1, 2.0, 0.7]), t([[0.5], [4.0]])],
             [t([[0.5], [4.0]])], []),
        ],
        "Beta": [
            (C("Beta", t(2.0), t(3.0)), [t(0.3), t([0.01, 0.5, 0.99])], [t([0.2, 0.5])], []),
            (C("Beta", t([0.5, 1.0, 5.0]), t(2.5)), [t([0.1, 0.6, 0.7]), t([[0.05], [0.95]])], [], []),
        ],
        "Chi2": [
            (C("Chi2", t(3.0)), [t(0.3), t([0.01, 2.0, 9.0])], [t([0.5, 3.0, 8.0])], []),
            (C("Chi2", t([1.0, 2.5, 7.0])), [t([0.1, 2.0, 5.0]), t([[0.5], [4.0]])], [t(2.0)], []),
        ],
        "Weibull": [
            (C("Weibull", t(1.5), t(2.0)), [t(0.3), t([0.01, 1.0, 4.0])], [t([0.2, 1.5, 3.0])],
             PROBS_ICDF),
            (C("Weibull", t([0.5, 1.0, 2.0]), t(0.8)), [t([0.1, 2.0, 0.7]), t([[0.5], [4.0]])],
             [t([[0.5], [4.0]])], [t([0.1, 0.5, 0.9])]),
        ],
        "Bernoulli": [
            (C("Bernoulli", t(0.3)), [t(1.0), t([0.0, 1.0, 1.0])], [], []),
            (C("Bernoulli", logits=t([-1.0, 0.0, 2.0])), [t([1.0, 0.0, 1.0]), t([[0.0], [1.0]])], [], []),
            (C("Bernoulli", t([[0.1], [0.9]])), [t([[1.0], [0.0]]), t(1.0)], [], []),
        ],
        "Categorical": [
            (C("Categorical", t([0.1, 0.2, 0.3, 0.4])), [ints(2), ints([0, 3, 1])], [], []),
            (C("Categorical", logits=t([[0.5, -1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]])),
             [ints([3, 1]), ints(0), ints([[0], [2], [3]])], [], []),
            (C("Categorical", t([[2.0, 1.0, 1.0], [0.5, 0.25, 0.25]])), [ints([0, 2])], [], []),
        ],
        "OneHotCategorical": [
            (C("OneHotCategorical", t([0.2, 0.5, 0.3])), [t([0.0, 1.0, 0.0]), t([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])],
             [], []),
            (C("OneHotCategorical", logits=t([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])),
             [t([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), t([0.0, 1.0, 0.0])], [], []),
        ],
        "Binomial": [
            (C("Binomial", 10, t(0.3)), [t(3.0), t([0.0, 5.0, 10.0])], [], []),
            (C("Binomial", 6, t([0.1, 0.5, 0.9])), [t([0.0, 3.0, 6.0]), t([[1.0], [5.0]])], [], []),
            (C("Binomial", t([5.0, 10.0, 20.0]), logits=t(0.2)), [t([5.0, 2.0, 17.0]), t(4.0)], [], []),
        ],
        "Poisson": [
            (C("Poisson", t(3.5)), [t(2.0), t([0.0, 1.0, 12.0])], [], []),
            (C("Poisson", t([0.5, 2.0, 10.0])), [t([0.0, 3.0, 9.0]), t([[1.0], [4.0]])], [], []),
        ],
        "Geometric": [
            (C("Geometric", t(0.3)), [t(2.0), t([0.0, 1.0, 12.0])], [], []),
            (C("Geometric", logits=t([-1.0, 0.0, 1.5])), [t([0.0, 3.0, 9.0]), t([[1.0], [4.0]])], [], []),
        ],
        "NegativeBinomial": [
            (C("NegativeBinomial", t(4.0), t(0.3)), [t(2.0), t([0.0, 1.0, 12.0])], [], []),
            (C("NegativeBinomial", t([2.0, 5.5]), logits=t(0.4)), [t([0.0, 3.0]), t([[1.0], [7.0]])], [], []),
        ],
        "Multinomial": [
            (C("Multinomial", 5, t([0.2, 0.3, 0.5])), [t([1.0, 1.0, 3.0]), t([[5.0, 0.0, 0.0], [0.0, 2.0, 3.0]])],
             [], []),
            (C("Multinomial", 4, logits=t([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])),
             [t([[0.0, 1.0, 3.0], [2.0, 2.0, 0.0]]), t([4.0, 0.0, 0.0])], [], []),
        ],
        "Dirichlet": [
            (C("Dirichlet", t([1.0, 2.0, 3.0])), [t([0.2, 0.3, 0.5]), t([[0.1, 0.1, 0.8], [0.6, 0.3, 0.1]])],
             [], []),
            (C("Dirichlet", t([[0.5, 0.5, 2.0], [3.0, 1.0, 1.0]])), [t([0.2, 0.3, 0.5]),
                                                                       t([[0.05, 0.05, 0.9], [0.5, 0.25, 0.25]])],
             [], []),
        ],
        "MultivariateNormal": [
            (C("MultivariateNormal", t([0.0, 1.0, -1.0]), t([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])),
             [t([0.5, 0.5, 0.0]), t([[1.0, 2.0, -3.0], [0.0, 0.0, 0.0]])], [], []),
            (C("MultivariateNormal", t([0.0, 1.0, -1.0]),
               precision_matrix=t([[[1.0, 0.2, 0.0], [0.2, 2.0, 0.3], [0.0, 0.3, 1.5]],
                                   [[4.0, -1.0, 0.5], [-1.0, 3.0, 0.0], [0.5, 0.0, 1.0]]])),
             [t([0.5, 0.5, 0.0]), t([[[1.0, 2.0, -3.0]], [[0.0, 0.0, 0.0]], [[-1.0, 0.5, 2.0]]])], [], []),
            (C("MultivariateNormal", t([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]]),
               scale_tril=t([[1.5, 0.0, 0.0], [0.4, 0.8, 0.0], [-0.3, 0.2, 0.6]])),
             [t([0.5, 0.5, 0.0]), t([[1.0, 2.0, -3.0], [0.0, 0.0, 0.0]])], [], []),
            (C("MultivariateNormal", t([0.0, 1.0]),
               covariance_matrix=t([[[1.0, 0.5], [0.5, 2.0]], [[0.3, -0.1], [-0.1, 0.4]]])),
             [t([0.5, 0.5]), t([[1.0, 2.0], [-1.0, 0.0]])], [], []),
        ],
        "LowRankMultivariateNormal": [
            (C("LowRankMultivariateNormal", t([0.0, 1.0, -1.0]), t([[1.0, 0.0], [0.5, -0.5], [0.2, 1.0]]),
               t([0.5, 1.0, 0.25])),
             [t([0.5, 0.5, 0.0]), t([[1.0, 2.0, -3.0], [0.0, 0.0, 0.0]])], [], []),
            (C("LowRankMultivariateNormal", t([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]]), t([[1.0], [0.5], [-0.3]]),
               t([0.5, 1.0, 2.0])),
             [t([0.5, 0.5, 0.0]), t([[[1.0, 2.0, -3.0]], [[0.0, 0.0, 0.0]], [[-1.0, 0.5, 2.0]]])], [], []),
        ],
        "LKJCholesky": [
            (C("LKJCholesky", 3, t(2.0)),
             [corr_cholesky(t([0.3, -0.5, 0.8])), corr_cholesky(t([[0.0, 0.0, 0.0], [1.5, -2.0, 0.1]]))], [], []),
            (C("LKJCholesky", 2, t([0.5, 1.0, 3.0])), [corr_cholesky(t([[0.9], [-0.2], [0.0]])),
                                                     corr_cholesky(t([0.4]))], [], []),
            (C("LKJCholesky", 4, t(1.0)), [corr_cholesky(t([0.1, 0.2, -0.3, 0.4, -0.5, 0.6]))], [], []),
        ],
        "Delta": [
            (C("Delta", t(1.5)), [t(1.5), t([1.5, 2.0])], [], []),
            (C("Delta", t([1.0, 2.0])), [t([1.0, 2.0]), t([[1.0, 3.0], [0.0, 2.0]])], [], []),
            (C("Delta", t([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), event_dim=1),
             [t([1.0, 2.0, 3.0]), t([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])], [], []),
        ],
        "MixtureSameFamily": [
            (C("MixtureSameFamily", C("Categorical", t([0.3, 0.7])), C("Normal", t([-1.0, 2.0]), t([0.5, 1.5]))),
             [t(0.3), t([-1.0, 0.0, 4.0])], [t([-1.0, 0.5, 3.0])], []),
            (C("MixtureSameFamily", C("Categorical", logits=t([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])),
               C("Normal", t([[-1.0, 0.0, 1.0], [2.0, 3.0, 4.0]]), t(1.0))),
             [t([0.3, 2.5]), t([[0.0], [5.0]])], [t([0.3, 2.5])], []),
            (C("MixtureSameFamily", C("Categorical", t([0.4, 0.6])),
               C("MultivariateNormal", t([[0.0, 0.0], [2.0, -1.0]]), scale_tril=t([[1.0, 0.0], [0.3, 0.5]]))),
             [t([0.5, -0.5]), t([[1.0, 1.0], [2.0, -1.0], [0.0, 0.0]])], [], []),
        ],
    }
    cases = []
    for name, entries in sets.items():
        for index, (ctor, values, cdf_at, icdf_at) in enumerate(entries):
            assert ctor.name == name
            cases.append(record_distribution(name, index, ctor, values, cdf_at, icdf_at))
    return cases


# --------------------------------------------------------------- transforms

class PositiveDefiniteReference:
    """x -> L L^T with L = LowerCholeskyTransform()(x); the inverse takes the
    Cholesky factor of y back through LowerCholeskyTransform's inverse."""

    def __call__(self, x):
        lower = transforms.LowerCholeskyTransform()(x)
        return lower @ lower.transpose(-1, -2)

    @property
    def inv(self):
        return lambda y: transforms.LowerCholeskyTransform().inv(torch.linalg.cholesky(y))

    def log_abs_det_jacobian(self, x, y):
        raise NotImplementedError


def biject_to_ref(c):
    return D.biject_to(c)


REFERENCE_NOTES = {
    "lower_cholesky": "torch.distributions.transform_to (LowerCholeskyTransform; torch 1.13 "
                      "registers no biject_to and defines no log_abs_det_jacobian for it)",
    "positive_definite": "L L^T with L = LowerCholeskyTransform()(x), as torch >= 2.0's "
                         "PositiveDefiniteTransform (absent from torch 1.13); no log_abs_det_jacobian",
}


def transform_cases():
    lower = t([[0.5, 0.0, 0.0], [-0.3, -1.0, 0.0], [0.8, 0.2, 0.1]])
    square = t([[0.5, 9.0, -9.0], [-0.3, -1.0, 9.0], [0.8, 0.2, 0.1]])  # upper part is ignored
    pd = t([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])
    scalar_x = [t(0.7), t([-20.0, -2.0, 0.0, 1.5, 25.0])]
    entries = [
        ("real", [], biject_to_ref, scalar_x, [t(0.7), t([-3.0, 0.0, 4.5])]),
        ("positive", [], biject_to_ref, scalar_x, [t(0.1), t([1e-6, 1.0, 7.0])]),
        ("greater_than", [2.0], biject_to_ref, scalar_x, [t(2.1), t([2.001, 3.0, 10.0])]),
        ("less_than", [1.0], biject_to_ref, scalar_x, [t(0.9), t([0.999, 0.0, -5.0])]),
        ("interval", [-1.0, 3.0], biject_to_ref, scalar_x, [t(0.0), t([-0.999, 1.0, 2.9])]),
        ("unit_interval", [], biject_to_ref, scalar_x, [t(0.5), t([0.001, 0.3, 0.97])]),
        ("simplex", [], biject_to_ref, [t([0.5, -1.0, 2.0]), t([[0.0, 0.0], [3.0, -4.0]])],
         [t([0.1, 0.2, 0.3, 0.4]), t([[0.5, 0.5], [0.99, 0.01]])]),
        ("lower_cholesky", [], lambda c: transforms.LowerCholeskyTransform(),
         [square, t([[[0.0, 1.0], [2.0, -1.0]], [[1.0, 0.0], [0.5, 0.3]]])],
         [lower.tril(-1) + lower.diagonal().exp().diag_embed(), t([[[1.0, 0.0], [2.0, 0.5]], [[0.1, 0.0], [-1.0, 3.0]]])]),
        ("corr_cholesky", [], biject_to_ref, [t([0.3, -0.5, 0.8]), t([[0.1, 0.2, -0.3, 0.4, -0.5, 0.6],
                                                                   [2.0, -2.0, 0.0, 0.5, 1.0, -0.1]])],
         [corr_cholesky(t([1.0, 0.5, -0.5])), corr_cholesky(t([[0.2], [-3.0]]))]),
        ("positive_definite", [], lambda c: PositiveDefiniteReference(),
         [square, t([[[0.0, 1.0], [2.0, -1.0]], [[1.0, 0.0], [0.5, 0.3]]])],
         [pd, t([[[1.0, 0.5], [0.5, 2.0]], [[0.3, -0.1], [-0.1, 0.4]]])]),
    ]
    cases = []
    for name, args, make, xs, ys in entries:
        c = getattr(constraints, name)
        if args:
            c = c(*args)
        transform = make(c)
        case = {"constraint": name, "constraint_args": [encode_number(a) for a in args],
                "reference": REFERENCE_NOTES.get(name, "torch.distributions.biject_to")}
        forward = []
        for x in xs:
            y = transform(x)
            record = {"x": encode_tensor(x), "y": encode_tensor(y)}
            missing, ladj = is_not_implemented(lambda: transform.log_abs_det_jacobian(x, y))
            if not missing:
                record["log_abs_det_jacobian"] = encode_tensor(ladj)
            forward.append(record)
        case["forward"] = forward
        case["inverse"] = [{"y": encode_tensor(y), "x": encode_tensor(transform.inv(y))} for y in ys]
        cases.append(case)
    return cases


# ----------------------------------------------------------------------- KL

def kl_exemplars():
    """Two instances per class (batch shape (2,)) for the KL table: p is the
    first, q the second when both sides have the same class."""
    C = Ctor
    return {
        "Normal": [C("Normal", t([0.0, 1.0]), t([1.0, 2.0])), C("Normal", t([0.5, -1.0]), t([1.5, 0.7]))],
        "LogNormal": [C("LogNormal", t([0.0, 1.0]), t([1.0, 2.0])), C("LogNormal", t([0.5, -1.0]), t([1.5, 0.7]))],
        "HalfNormal": [C("HalfNormal", t([1.0, 2.0])), C("HalfNormal", t([1.5, 0.7]))],
        "Cauchy": [C("Cauchy", t([0.0, 1.0]), t([1.0, 2.0])), C("Cauchy", t([0.5, -1.0]), t([1.5, 0.7]))],
        "Laplace": [C("Laplace", t([0.0, 1.0]), t([1.0, 2.0])), C("Laplace", t([0.5, -1.0]), t([1.5, 0.7]))],
        "Gumbel": [C("Gumbel", t([0.0, 1.0]), t([1.0, 2.0])), C("Gumbel", t([0.5, -1.0]), t([1.5, 0.7]))],
        # One component of the first inside [0, 1] and one outside, so KL
        # against Beta and Exponential covers both the finite and the inf case.
        "Uniform": [C("Uniform", t([0.2, -1.0]), t([0.8, 2.0])), C("Uniform", t([-1.0, -2.0]), t([2.0, 3.0]))],
        "Exponential": [C("Exponential", t([0.5, 2.0])), C("Exponential", t([1.5, 0.7]))],
        "Gamma": [C("Gamma", t([2.0, 0.5]), t([1.0, 3.0])), C("Gamma", t([1.5, 4.0]), t([0.7, 2.0]))],
        "Chi2": [C("Chi2", t([2.0, 5.0])), C("Chi2", t([3.5, 1.0]))],
        "Beta": [C("Beta", t([2.0, 0.5]), t([1.0, 3.0])), C("Beta", t([1.5, 4.0]), t([0.7, 2.0]))],
        "Bernoulli": [C("Bernoulli", t([0.3, 0.9])), C("Bernoulli", logits=t([0.5, -1.0]))],
        "Binomial": [C("Binomial", 8, t([0.3, 0.9])), C("Binomial", 8, logits=t([0.5, -1.0]))],
        "Poisson": [C("Poisson", t([0.5, 4.0])), C("Poisson", t([1.5, 2.0]))],
        "Geometric": [C("Geometric", t([0.3, 0.9])), C("Geometric", logits=t([0.5, -1.0]))],
        "Categorical": [C("Categorical", t([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])),
                        C("Categorical", logits=t([[0.0, 1.0, -1.0], [0.5, 0.5, 0.0]]))],
        "OneHotCategorical": [C("OneHotCategorical", t([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])),
                              C("OneHotCategorical", logits=t([[0.0, 1.0, -1.0], [0.5, 0.5, 0.0]]))],
        "Dirichlet": [C("Dirichlet", t([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]])),
                      C("Dirichlet", t([[2.0, 2.0, 1.0], [4.0, 1.0, 0.3]]))],
        "MultivariateNormal": [
            C("MultivariateNormal", t([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]]),
              t([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])),
            C("MultivariateNormal", t([[0.5, 0.0, 0.0], [1.0, 1.0, 1.0]]),
              scale_tril=t([[1.5, 0.0, 0.0], [0.4, 0.8, 0.0], [-0.3, 0.2, 0.6]]))],
        "LowRankMultivariateNormal": [
            C("LowRankMultivariateNormal", t([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]]),
              t([[1.0, 0.0], [0.5, -0.5], [0.2, 1.0]]), t([0.5, 1.0, 0.25])),
            C("LowRankMultivariateNormal", t([[0.5, 0.0, 0.0], [1.0, 1.0, 1.0]]),
              t([[0.3], [-0.5], [1.0]]), t([1.0, 2.0, 0.7]))],
    }


def kl_cases():
    from torch.distributions.kl import _KL_REGISTRY
    exemplars = kl_exemplars()
    classes = {name: getattr(D, name) for name in exemplars}
    pairs = sorted({(p.__name__, q.__name__) for p, q in _KL_REGISTRY
                    if p.__name__ in classes and q.__name__ in classes})
    # Pairs reached through a base class's registration: LogNormal through
    # TransformedDistribution's, Chi2 through Gamma's.
    pairs += [("LogNormal", "LogNormal"), ("Chi2", "Chi2"), ("Chi2", "Gamma")]
    cases = []
    for p_name, q_name in pairs:
        p = exemplars[p_name][0]
        q = exemplars[q_name][1 if p_name == q_name else 0]
        cases.append({"p": p.to_json(), "q": q.to_json(),
                      "result": encode_tensor(D.kl_divergence(p.build(), q.build()))})
        if p_name == q_name:
            # q with batch shape () broadcast against p's (2,), where torch allows it.
            q_scalar = scalar_version(exemplars[q_name][1])
            if q_scalar is not None:
                try:
                    result = D.kl_divergence(p.build(), q_scalar.build())
                except (ValueError, RuntimeError, NotImplementedError):
                    continue
                cases.append({"p": p.to_json(), "q": q_scalar.to_json(), "result": encode_tensor(result)})
    return cases


def scalar_version(ctor):
    """The constructor with every batched tensor argument cut to its first batch element."""
    if ctor.name in ("MultivariateNormal", "LowRankMultivariateNormal", "Binomial"):
        return None  # torch's KL for these wants equal batch shapes or equal total counts
    event_dims = 1 if ctor.name in ("Categorical", "OneHotCategorical", "Dirichlet") else 0

    def first(a):
        if isinstance(a, torch.Tensor) and a.dim() > event_dims:
            return a[0]
        return a
    return Ctor(ctor.name, *[first(a) for a in ctor.args], **{k: first(v) for k, v in ctor.kwargs.items()})


# ------------------------------------------------------------------- output

def dump_line(obj):
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def main():
    sections = [("distributions", distribution_cases()), ("transforms", transform_cases()),
                ("kl", kl_cases())]
    lines = ["{",
             f'"generator":{dump_line("tests/tools/gen_distribution_refs.py")},',
             f'"torch_version":{dump_line(torch.__version__)},']
    for i, (name, cases) in enumerate(sections):
        lines.append(f'"{name}":[')
        lines.extend(dump_line(c) + ("," if j + 1 < len(cases) else "") for j, c in enumerate(cases))
        lines.append("]" + ("," if i + 1 < len(sections) else ""))
    lines.append("}")
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as out:
        out.write("\n".join(lines) + "\n")
    counts = ", ".join(f"{len(cases)} {name}" for name, cases in sections)
    print(f"wrote {os.path.normpath(OUTPUT)}: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
