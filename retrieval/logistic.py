"""The small trained models newsbot uses (the answerability gate, the first citations' order,
the candidate sentence selector): a logistic regression over standardized features, fitted
deterministically, stored as JSON beside the code that computes its features."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Logistic:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-self.logits(rows)))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "weights": self.weights.tolist(), "bias": self.bias}

    @classmethod
    def from_json(cls, data: dict, features: tuple[str, ...]) -> "Logistic":
        """The model in `data`, which must read the `features` this code computes."""
        if tuple(data["features"]) != features:
            raise ValueError(f"the model reads {data['features']}, this code computes {list(features)}")
        return cls(features, *(np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "weights")), float(data["bias"]))


def weights_listing(model: Logistic) -> str:
    """The model's weights on its standardized features, largest first: what a training command
    prints for its MODEL.md."""
    width = max(len(f) for f in model.features)
    return "\n".join(f"  {name:>{width}} {weight:+.3f}"
                     for name, weight in sorted(zip(model.features, model.weights), key=lambda p: -abs(p[1])))


def write_trained(path: Path, data: dict, model: Logistic, settings: str = "") -> None:
    """How each training command ends: the weights printed (under the `settings` that chose
    them, "L2 100; ") for its MODEL.md, and the model's JSON `data` written to `path`."""
    print(f"\n{settings}weights (standardized features):")
    print(weights_listing(model))
    path.write_text(json.dumps(data, indent=1) + "\n")


def fit(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], l2: float = 1.0, steps: int = 50) -> Logistic:
    """Logistic regression by Newton's method on standardized features, the bias unpenalized."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w)))
        step = np.linalg.solve((z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty), z.T @ (p - y) + penalty * w)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(features, mean, scale, w[:-1], float(w[-1]))
