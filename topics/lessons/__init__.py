"""The guided path: short lessons in order, each an exercise on a real page in a real state."""

from topics.lessons import figures, lessons, state

__all__ = ["figures", "lessons", "state"]
