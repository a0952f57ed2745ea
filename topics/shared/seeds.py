"""Worked numbers from the seed articles (../shared/seeds/) that more than one page starts from."""

SEED_000_LOGITS = ((2.0, 1.0, 0.1), (0.5, 2.0, 0.3))  # seed 000's batch: two samples of three logits
SEED_000_LABELS = (0, 2)  # their true classes
SEED_001_PROBS = (0.9, 0.2, 0.8)  # seed 001's predicted probabilities (already through a sigmoid)
SEED_001_LABELS = (1.0, 0.0, 1.0)  # their labels
