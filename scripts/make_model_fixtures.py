#!/usr/bin/env python3
"""Reference fixtures for src/engine/models: the loss and the gradient of every weight and bias of a
small MLP, from torch.nn.functional and autograd, one case per activation and head. Used only to
(re)generate the committed JSON, never at test time. Run: /usr/bin/python3 scripts/make_model_fixtures.py"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(0)
out = {"torch": torch.__version__, "cases": []}
B, D, H1, H2, C = 6, 5, 4, 3, 3
x = torch.randn(B, D)
labels = torch.tensor([0, 2, 1, 1, 0, 2])
targets = torch.randn(B)
binary = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
acts = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
for head, outs in (("multiclass", C), ("binary", 1), ("regression", 1)):
    for act in ("relu", "tanh", "sigmoid"):
        sizes = [D, H1, H2, outs]
        # weights stored [in, out] as in the app (h·W + b), biases [out]
        ws = [(torch.randn(sizes[i], sizes[i + 1]) * 0.8).requires_grad_() for i in range(3)]
        bs = [(torch.randn(sizes[i + 1]) * 0.3).requires_grad_() for i in range(3)]
        h = x
        for i in range(3):
            h = h @ ws[i] + bs[i]
            if i < 2:
                h = acts[act](h)
        if head == "multiclass":
            loss = F.cross_entropy(h, labels)
        elif head == "binary":
            loss = F.binary_cross_entropy_with_logits(h.squeeze(1), binary)
        else:
            loss = F.mse_loss(h.squeeze(1), targets)
        loss.backward()
        out["cases"].append({
            "head": head, "activation": act, "sizes": sizes, "outputs": h.tolist(), "loss": loss.item(),
            "w": [w.tolist() for w in ws], "b": [b.tolist() for b in bs],
            "dw": [w.grad.tolist() for w in ws], "db": [b.grad.tolist() for b in bs],
        })
out["x"] = x.tolist()
out["labels"] = labels.tolist()
out["binary"] = binary.tolist()
out["targets"] = targets.tolist()
with open("src/engine/__fixtures__/torch_models.json", "w") as f:
    json.dump(out, f)
print(f"{len(out['cases'])} cases")
