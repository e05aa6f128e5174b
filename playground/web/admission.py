"""Whether a config may run on this Space: its data is here, and its cost is within budget.

One check for every way a run reaches the page (a preset, the controls, a pasted or uploaded
config, a checkpoint, a share link, the comparison's B), made before anything is sent to a
worker, so the page can say why and keep the run that is there (issue 17, finding 1).
"""

from __future__ import annotations

from playground.engine.config import TrainConfig
from playground.engine.cost import over_budget
from playground.engine.data import dataset_problem


def run_problem(config: TrainConfig) -> str | None:
    """Why ``config`` cannot run here (no MNIST, or a step / memory over budget), or None."""
    problem = dataset_problem(config.dataset)
    if problem:
        return problem
    cost = over_budget(config)
    return f"this config is too big for a shared playground: {cost}" if cost else None
