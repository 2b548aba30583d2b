"""A sweep's figure: speedup and energy ratio (both over baseline) against the swept
axis, one solid curve per variant and, beside each skipping variant's, its ideal bound
dashed in the same colour. Rendered with matplotlib's Agg backend (no display)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

if TYPE_CHECKING:
    from .sweep import SweepResult

PANELS = (("speedup", "bound_speedup", "speedup over baseline (cycles)"),
          ("energy_ratio", "bound_energy_ratio", "energy ratio: baseline / variant"))


def plot(result: SweepResult, path: Path) -> None:
    sweep = result.sweep
    numeric = all(isinstance(p.value, (int, float)) for p in sweep.points)
    ticks = {p.value: i for i, p in enumerate(sweep.points)}

    def xs(rows: list[dict[str, Any]]) -> list[Any]:
        return [r["x"] if numeric else ticks[r["value"]] for r in rows]

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    for ax, (measured, bound, label) in zip(axes, PANELS):
        for n, variant in enumerate(v for v in sweep.variants if v != "baseline"):
            rows = sorted((r for r in result.rows if r["variant"] == variant),
                          key=lambda r: r["x"] if numeric else ticks[r["value"]])
            colour = f"C{n}"
            ax.plot(xs(rows), [r[measured] for r in rows], "o-", color=colour, label=variant)
            bounded = [r for r in rows if r[bound] is not None]
            if bounded:
                ax.plot(xs(bounded), [r[bound] for r in bounded], "--", color=colour,
                        alpha=0.7, label=f"{variant}: ideal bound")
        ax.axhline(1.0, color="grey", linewidth=0.8)
        if not numeric:
            ax.set_xticks(list(ticks.values()), [str(v) for v in ticks])
        ax.set_xlabel(sweep.x_label)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.suptitle(f"{sweep.kernel} on {sweep.config.name}: {sweep.axis} sweep "
                 f"({sweep.images or 'all'} images)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
