"""The math of Cross-Entropy Explorer: NumPy only, no UI, no torch at import time. A module here imports
nothing but the standard library, NumPy and core itself.

- `core.losses`: mirrors torch.nn.functional's cross-entropy family (class axis 1).
- `core.keras_losses`: mirrors Keras 3's cross-entropy losses ((y_true, y_pred) order, class axis last).
- `core.gradients`: their analytic gradients, same names and arguments.
- `core.training`: a small classifier (nn.Linear, optionally with a hidden ReLU layer) trained by
  torch.optim.SGD's update, step for step, with the right losses and the classic mistakes as objectives.
- `core.agreement`: when a number agrees with the framework's: one rule, one tolerance per dtype.
"""
