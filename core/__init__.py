"""Cross-Entropy Explorer's computation module: pure NumPy, no UI, no torch at import time.

- `core.losses`: the torch.nn.functional cross-entropy family (class axis 1).
- `core.keras_losses`: Keras 3's cross-entropy losses ((y_true, y_pred) order, class axis last).
- `core.gradients`: their analytic gradients, same names and arguments.
"""
