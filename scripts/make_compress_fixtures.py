#!/usr/bin/env python3
"""Reference fixtures for src/engine/compress from PyTorch's quantization code (torch.ao.quantization
MinMaxObserver / PerChannelMinMaxObserver, torch.fake_quantize_per_tensor_affine /
fake_quantize_per_channel_affine and their straight-through gradients). Used only to (re)generate
the committed JSON, never at test time. Run: /usr/bin/python3 scripts/make_compress_fixtures.py"""
import json
import torch
from torch.ao.quantization import MinMaxObserver, PerChannelMinMaxObserver

torch.manual_seed(0)
out = {"torch": torch.__version__, "cases": [], "ste": []}
# weights shaped [in, out] like one model's dense layer; channels are the last axis (outputs)
tensors = {
    "mixed": torch.randn(5, 4) * torch.tensor([0.5, 1.0, 2.0, 0.1]),
    "positive": torch.rand(3, 3) * 3 + 0.2,
}
for name, x in tensors.items():
    for bits in (8, 4, 2):
        for scheme in ("affine", "symmetric"):
            for per_channel in (False, True):
                if scheme == "affine":
                    dtype, qmin, qmax = torch.quint8, 0, 2 ** bits - 1
                    qs = torch.per_channel_affine if per_channel else torch.per_tensor_affine
                else:
                    dtype, qmin, qmax = torch.qint8, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
                    qs = torch.per_channel_symmetric if per_channel else torch.per_tensor_symmetric
                if per_channel:
                    obs = PerChannelMinMaxObserver(ch_axis=1, dtype=dtype, qscheme=qs, quant_min=qmin, quant_max=qmax)
                else:
                    obs = MinMaxObserver(dtype=dtype, qscheme=qs, quant_min=qmin, quant_max=qmax)
                obs(x)
                scale, zp = obs.calculate_qparams()
                if per_channel:
                    fq = torch.fake_quantize_per_channel_affine(x, scale, zp.to(torch.int32), 1, qmin, qmax)
                else:
                    fq = torch.fake_quantize_per_tensor_affine(x, float(scale), int(zp), qmin, qmax)
                out["cases"].append({
                    "tensor": name, "bits": bits, "scheme": scheme, "perChannel": per_channel, "qmin": qmin, "qmax": qmax,
                    "x": x.tolist(), "scale": scale.tolist(), "zeroPoint": zp.tolist(), "fakeQuant": fq.tolist(),
                })
# straight-through estimator: the gradient passes where round(x/s) + z is inside [qmin, qmax], else 0
x = torch.linspace(-3, 3, 13, requires_grad=True)
for qmin, qmax, scale, zp in ((-8, 7, 0.25, 0), (0, 15, 0.2, 5)):
    if x.grad is not None:
        x.grad = None
    y = torch.fake_quantize_per_tensor_affine(x, scale, zp, qmin, qmax)
    y.backward(torch.arange(1.0, 14.0))
    out["ste"].append({"x": x.detach().tolist(), "qmin": qmin, "qmax": qmax, "scale": scale, "zeroPoint": zp, "upstream": list(range(1, 14)), "fakeQuant": y.detach().tolist(), "grad": x.grad.tolist()})
# distillation: alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(s, y), batch mean
s = torch.tensor([[1.0, -0.5, 0.3], [0.2, 0.8, -1.0]])
t = torch.tensor([[2.0, 0.1, -0.4], [-0.3, 1.5, 0.2]])
y = torch.tensor([0, 1])
out["distill"] = []
for T, alpha in ((1.0, 0.5), (4.0, 0.9), (2.0, 0.0)):
    kl = torch.nn.functional.kl_div(torch.log_softmax(s / T, 1), torch.log_softmax(t / T, 1), reduction="batchmean", log_target=True)
    ce = torch.nn.functional.cross_entropy(s, y)
    out["distill"].append({"student": s.tolist(), "teacher": t.tolist(), "labels": y.tolist(), "T": T, "alpha": alpha, "loss": float(alpha * T * T * kl + (1 - alpha) * ce)})
with open("src/engine/compress/compressFixtures.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote", len(out["cases"]), "quantization cases,", len(out["ste"]), "STE cases,", len(out["distill"]), "distillation cases")
