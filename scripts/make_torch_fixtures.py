#!/usr/bin/env python3
"""Generate reference fixtures for the engine from PyTorch (torch.optim, torch.optim.lr_scheduler).

Independent implementation: the TypeScript engine must reproduce these trajectories and learning-rate
sequences within 1e-4 (float32). Used only to (re)generate the committed JSON; never needed at test time.

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/make_torch_fixtures.py

Writes src/engine/__fixtures__/torch_optimizers.json and torch_schedules.json.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "engine", "__fixtures__")
STEPS = 150


# --- objectives: written with the same operation order as src/engine/objectives -----------------
def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)


def beale(p):
    x, y = p[0], p[1]
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y * y
    c = 2.625 - x + x * y * y * y
    return a * a + b * b + c * c


def himmelblau(p):
    x, y = p[0], p[1]
    a = x * x + y - 11
    b = x + y * y - 7
    return a * a + b * b


def quadratic(p, condition=10.0, angle_deg=30.0):
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    x, y = p[0], p[1]
    u = c * x + s * y
    v = -s * x + c * y
    return 0.5 * (u * u + condition * v * v)


def saddle(p):
    x, y = p[0], p[1]
    return x * x - y * y


def booth(p):
    x, y = p[0], p[1]
    a = x + 2 * y - 7
    b = 2 * x + y - 5
    return a * a + b * b


OBJECTIVES = {
    "booth": (booth, [-8.0, -6.0]),
    "rosenbrock": (rosenbrock, [-1.2, 1.0]),
    "beale": (beale, [1.0, 1.5]),
    "himmelblau": (himmelblau, [0.0, 0.0]),
    "quadratic": (quadratic, [-2.5, 1.5]),
    "saddle": (saddle, [1.0, 0.001]),
}

# our hyperparameter names -> torch keyword arguments
def torch_kwargs(name, hp):
    kw = {}
    betas = None
    for k, v in hp.items():
        if k == "beta1":
            betas = (v, betas[1] if betas else {"lion": 0.99}.get(name, 0.999))
        elif k == "beta2":
            betas = (betas[0] if betas else 0.9, v)
        else:
            kw[{
                "lr": "lr", "momentum": "momentum", "dampening": "dampening", "nesterov": "nesterov",
                "weightDecay": "weight_decay", "lrDecay": "lr_decay",
                "initialAccumulatorValue": "initial_accumulator_value", "eps": "eps", "alpha": "alpha",
                "centered": "centered", "rho": "rho", "amsgrad": "amsgrad", "momentumDecay": "momentum_decay",
            }[k]] = v
    if betas is not None:
        kw["betas"] = betas
    return kw


TORCH_OPT = {
    "sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "adamax": torch.optim.Adamax, "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam,
}


class Lion(torch.optim.Optimizer):
    """The paper's Program 1 (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), in
    torch, written from the paper and not from our TypeScript: torch.optim has no Lion."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                g = p.grad
                state = self.state[p]
                if "exp_avg" not in state:
                    state["exp_avg"] = torch.zeros_like(p)
                m = state["exp_avg"]
                update = (m * beta1 + g * (1 - beta1)).sign()
                p.mul_(1 - group["lr"] * group["weight_decay"])
                p.add_(update, alpha=-group["lr"])
                m.mul_(beta2).add_(g, alpha=1 - beta2)


TORCH_OPT["lion"] = Lion

OPT_CASES = [
    ("sgd", {"lr": 1e-3}, "rosenbrock"),
    ("sgd", {"lr": 5e-4, "momentum": 0.9}, "rosenbrock"),
    ("sgd", {"lr": 5e-4, "momentum": 0.9, "nesterov": True}, "rosenbrock"),
    ("sgd", {"lr": 1e-3, "momentum": 0.9, "dampening": 0.5}, "beale"),
    ("sgd", {"lr": 0.01, "momentum": 0.5, "weightDecay": 0.1}, "himmelblau"),
    ("sgd", {"lr": 0.05, "momentum": 0.8}, "quadratic"),
    ("sgd", {"lr": 0.05}, "saddle"),
    ("adagrad", {"lr": 0.5}, "rosenbrock"),
    ("adagrad", {"lr": 0.3, "lrDecay": 0.01, "weightDecay": 0.05, "initialAccumulatorValue": 0.1}, "beale"),
    ("adagrad", {"lr": 1.0, "eps": 1e-6}, "himmelblau"),
    ("rmsprop", {"lr": 0.01}, "rosenbrock"),
    ("rmsprop", {"lr": 0.005, "momentum": 0.9}, "himmelblau"),
    ("rmsprop", {"lr": 0.01, "centered": True, "alpha": 0.9}, "beale"),
    ("rmsprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "weightDecay": 0.01, "eps": 1e-6}, "quadratic"),
    ("adadelta", {"lr": 1.0}, "himmelblau"),
    ("adadelta", {"lr": 5.0, "rho": 0.95, "eps": 1e-4, "weightDecay": 0.01}, "rosenbrock"),
    ("adam", {"lr": 0.05}, "rosenbrock"),
    ("adam", {"lr": 0.1, "amsgrad": True}, "himmelblau"),
    ("adam", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weightDecay": 0.1}, "beale"),
    ("adam", {"lr": 0.05}, "saddle"),
    ("adamw", {"lr": 0.05}, "rosenbrock"),
    ("adamw", {"lr": 0.05, "weightDecay": 0.1, "amsgrad": True}, "himmelblau"),
    ("adamw", {"lr": 0.03, "beta1": 0.85, "beta2": 0.99, "eps": 1e-6}, "beale"),
    ("adamax", {"lr": 0.05}, "rosenbrock"),
    ("adamax", {"lr": 0.05, "beta2": 0.99, "eps": 1e-6}, "himmelblau"),
    ("adamax", {"lr": 0.1, "beta1": 0.85, "weightDecay": 0.05}, "beale"),
    ("nadam", {"lr": 0.05}, "rosenbrock"),
    ("nadam", {"lr": 0.05, "momentumDecay": 0.01, "weightDecay": 0.02, "beta2": 0.99}, "himmelblau"),
    ("nadam", {"lr": 0.1, "beta1": 0.95}, "quadratic"),
    ("nadam", {"lr": 0.05, "eps": 1e-6}, "beale"),
    ("rmsprop", {"lr": 0.01, "eps": 1e-6, "alpha": 0.95}, "booth"),
    # RAdam: with the default β₂ the first 5 steps are un-rectified (ρₜ ≤ 5), then rectified
    ("radam", {"lr": 2e-3}, "rosenbrock"),
    ("radam", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, "himmelblau"),
    ("radam", {"lr": 0.01, "weightDecay": 0.05}, "beale"),
    # β₂ = 0.9: ρ∞ = 19, rectified from step 6 on; β₂ = 0.6: ρ∞ = 4, never rectified (SGD with momentum)
    ("radam", {"lr": 0.02, "beta2": 0.9}, "quadratic"),
    ("radam", {"lr": 0.002, "beta2": 0.6}, "booth"),
    ("lion", {"lr": 0.01}, "rosenbrock"),
    ("lion", {"lr": 0.02, "beta1": 0.95, "beta2": 0.98, "weightDecay": 0.1}, "himmelblau"),
    ("lion", {"lr": 0.005, "beta1": 0.8}, "beale"),
]


def optimizer_fixtures():
    cases = []
    for name, hp, obj in OPT_CASES:
        f, start = OBJECTIVES[obj]
        p = torch.tensor(start, dtype=torch.float32, requires_grad=True)
        kwargs = torch_kwargs(name, hp)
        if name == "nadam":
            # torch 1.13's single-tensor NAdam multiplies mu twice into mu_product_next, a bug fixed
            # upstream in pytorch/pytorch#92699 (torch >= 2.0). Its foreach path has the fixed formula.
            kwargs["foreach"] = True
        opt = TORCH_OPT[name]([p], **kwargs)
        path, loss = [p.detach().tolist()], []
        for _ in range(STEPS):
            opt.zero_grad()
            l = f(p)
            l.backward()
            loss.append(l.item())
            opt.step()
            path.append(p.detach().tolist())
        loss.append(f(p).item())
        assert all(math.isfinite(v) for v in loss), f"{name} {hp} on {obj} diverged: pick a smaller lr"
        cases.append({"optimizer": name, "hyper": hp, "objective": obj, "start": start,
                      "steps": STEPS, "path": path, "loss": loss})
    return {"torch": torch.__version__, "cases": cases}


# --- schedules --------------------------------------------------------------------------------
S = torch.optim.lr_scheduler
BASE_LR = 0.1
SCHED_STEPS = 200


def plateau_metrics(n):
    # falls, plateaus with wiggles below the threshold, falls again, plateaus: exercises patience/factor/minLr
    out = []
    for t in range(n):
        if t < 40:
            m = 1.0 / (1 + t / 10)
        elif t < 100:
            m = 0.2 + 1e-6 * math.sin(t)
        elif t < 120:
            m = 0.2 - 0.005 * (t - 99)
        else:
            m = 0.1 + 0.01 * ((t * 7919) % 13) / 13
        out.append(m)
    return out


def make_sched(name, params, opt):
    if name == "constant":
        return S.LambdaLR(opt, lambda t: 1.0)
    if name == "step":
        return S.StepLR(opt, step_size=params["stepSize"], gamma=params["gamma"])
    if name == "multiStep":
        return S.MultiStepLR(opt, milestones=params["milestones"], gamma=params["gamma"])
    if name == "exponential":
        return S.ExponentialLR(opt, gamma=params["gamma"])
    if name == "inverseTime":
        return S.LambdaLR(opt, lambda t: 1.0 / (1.0 + params["decayRate"] * t))
    if name == "inverseSqrt":
        return S.LambdaLR(opt, lambda t: 1.0 / math.sqrt(t + 1))
    if name == "cosine":
        return S.CosineAnnealingLR(opt, T_max=params["tMax"], eta_min=params["etaMin"])
    if name == "cosineWarmRestarts":
        return S.CosineAnnealingWarmRestarts(opt, T_0=params["t0"], T_mult=params["tMult"], eta_min=params["etaMin"])
    if name == "oneCycle":
        return S.OneCycleLR(opt, max_lr=params["maxLr"], total_steps=SCHED_STEPS, pct_start=params["pctStart"],
                            div_factor=params["divFactor"], final_div_factor=params["finalDivFactor"],
                            anneal_strategy="cos", cycle_momentum=False)
    if name == "reduceOnPlateau":
        return S.ReduceLROnPlateau(opt, mode="min", factor=params["factor"], patience=params["patience"],
                                   threshold=params["threshold"], threshold_mode="rel", min_lr=params["minLr"])
    raise ValueError(name)


SCHED_CASES = [
    ("constant", {}),
    ("step", {"stepSize": 30, "gamma": 0.5}),
    ("multiStep", {"milestones": [40, 90, 150], "gamma": 0.3}),
    ("exponential", {"gamma": 0.98}),
    ("inverseTime", {"decayRate": 0.05}),
    ("inverseSqrt", {}),
    ("cosine", {"tMax": 100, "etaMin": 0.001}),
    ("cosineWarmRestarts", {"t0": 20, "tMult": 2, "etaMin": 1e-4}),
    ("oneCycle", {"maxLr": 0.5, "pctStart": 0.3, "divFactor": 25.0, "finalDivFactor": 1e4}),
    ("reduceOnPlateau", {"factor": 0.5, "patience": 5, "threshold": 1e-4, "minLr": 1e-3}),
    ("step", {"stepSize": 30, "gamma": 0.5, "warmupSteps": 10}),
    ("cosine", {"tMax": 150, "etaMin": 0.0, "warmupSteps": 20}),
    ("exponential", {"gamma": 0.97, "warmupSteps": 5}),
]


def schedule_fixtures():
    metrics = plateau_metrics(SCHED_STEPS)
    cases = []
    for name, params in SCHED_CASES:
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=BASE_LR)
        warm = params.get("warmupSteps", 0)
        main_params = {k: v for k, v in params.items() if k != "warmupSteps"}
        if warm:
            # linear warmup from lr/warmupSteps to lr over warmupSteps steps, then the main schedule from its step 0
            warmup = S.LinearLR(opt, start_factor=1.0 / warm, end_factor=1.0, total_iters=warm)
            main = make_sched(name, main_params, opt)
            sched = S.SequentialLR(opt, [warmup, main], milestones=[warm])
        else:
            sched = make_sched(name, main_params, opt)
        lrs = []
        for t in range(SCHED_STEPS):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            if t == SCHED_STEPS - 1:
                break
            if name == "reduceOnPlateau":
                sched.step(metrics[t])
            else:
                sched.step()
        cases.append({"schedule": name, "params": params, "lr": BASE_LR, "steps": SCHED_STEPS, "expected": lrs})
    return {"torch": torch.__version__, "plateauMetrics": metrics, "cases": cases}


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    with open(os.path.join(OUT, "torch_optimizers.json"), "w") as fh:
        json.dump(optimizer_fixtures(), fh)
    with open(os.path.join(OUT, "torch_schedules.json"), "w") as fh:
        json.dump(schedule_fixtures(), fh)
    print("wrote fixtures to", os.path.normpath(OUT))
