"""Code for the outputs page: how to save a model's outputs in a form the page reads, and how to get its
numbers (the mean loss and the fitted temperature) with PyTorch itself. Plain text, run by the tests."""

SAVE_SNIPPET = """import numpy as np
import torch

model.eval()
logits, labels = [], []
with torch.no_grad():
    for x, y in val_loader:
        logits.append(model(x).float().cpu())
        labels.append(y.cpu())
logits, labels = torch.cat(logits), torch.cat(labels)

# any one of these files works on the page
np.savez("outputs.npz", logits=logits.numpy(), labels=labels.numpy())
torch.save({"logits": logits, "labels": labels}, "outputs.pt")  # plain tensors only
# from safetensors.torch import save_file
# save_file({"logits": logits, "labels": labels}, "outputs.safetensors")
"""

CONVERT_SNIPPET = """# where torch is installed: turn a .pt of tensors into a .npz (read without torch)
import numpy as np
import torch

saved = torch.load("outputs.pt", map_location="cpu", weights_only=True)
np.savez("outputs.npz", **{name: tensor.float().numpy() if tensor.is_floating_point() else tensor.numpy()
                           for name, tensor in saved.items()})
"""


def torch_snippet(file_name):
    """PyTorch code that prints the mean loss and fits the temperature with LBFGS, for a .npz file with
    `logits` and `labels`."""
    return f"""import numpy as np
import torch
import torch.nn.functional as F

saved = np.load({file_name!r})
logits = torch.from_numpy(saved["logits"]).double()
labels = torch.from_numpy(saved["labels"])  # class indices (N,), or probability targets (N, C)
labels = labels.long() if labels.ndim == 1 else labels.double()
print("mean loss", F.cross_entropy(logits, labels).item())

log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)  # T = exp(log_t) stays positive
optimizer = torch.optim.LBFGS([log_t], lr=1, max_iter=100, line_search_fn="strong_wolfe",
                              tolerance_grad=1e-12, tolerance_change=1e-15)

def closure():
    optimizer.zero_grad()
    loss = F.cross_entropy(logits / log_t.exp(), labels)
    loss.backward()
    return loss

optimizer.step(closure)
temperature = log_t.exp().item()
print("temperature", temperature, "loss after", F.cross_entropy(logits / temperature, labels).item())
"""
