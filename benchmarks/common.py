"""What every benchmark suite shares: timing, one record per comparison, and the writers.

Timing: each callable runs `warmup` times unmeasured (first calls allocate, fill caches
and, for torch, pick kernels), then `repeats` times, and the median is kept: the median
ignores the odd slow run caused by another process, where a mean would not.
An engine and its baseline are timed in alternating rounds (`paired_medians`), each round
after its own warm-up: a machine whose speed drifts (shared or virtual CPUs) then slows
both sides alike instead of whichever happened to run second.
A record compares one case's engine time with one baseline measured in the same run:

    ratio    = engine seconds / baseline seconds          (below 1: the engine is faster)
    achieved = work / engine seconds                       work in FLOPs or bytes, per case
    % peak   = 100 * achieved / peak                       peak measured (CPU) or from a datasheet (GPU)
"""
import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field


@dataclass
class Timing:
    """How many unmeasured and measured runs each timed call gets."""
    warmup: int
    repeats: int


def run_times(fn, timing):
    """Wall-clock seconds of each of timing.repeats runs of fn(), after timing.warmup unmeasured runs."""
    for _ in range(timing.warmup):
        fn()
    times = []
    for _ in range(timing.repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


# Fast cases take more runs than timing.repeats, up to about this many seconds of runs
# per side (and at most MAX_REPEATS): a millisecond case's median over 7 runs moves by
# several percent between suites, over a few dozen it settles.
TIME_PER_SIDE = 0.3
MAX_REPEATS = 60


def paired_medians(engine, baseline, timing, rounds=5):
    """(median seconds of engine(), of baseline()), timed in `rounds` alternating rounds.

    Each round gives each side timing.warmup unmeasured runs (a side's caches and thread
    pools may have gone cold while the other ran) and its share of the runs: at least
    timing.repeats, more for fast cases (TIME_PER_SIDE)."""
    first = run_times(engine, Timing(timing.warmup, 1)) + run_times(baseline, Timing(timing.warmup, 1))
    affordable = int(TIME_PER_SIDE / max(max(first), 1e-9))
    repeats = max(timing.repeats, min(MAX_REPEATS, affordable))
    per_round = Timing(timing.warmup, max(1, -(-repeats // rounds)))
    engine_times, baseline_times = [], []
    for _ in range(rounds):
        engine_times += run_times(engine, per_round)
        baseline_times += run_times(baseline, per_round)
    return statistics.median(engine_times), statistics.median(baseline_times)


@dataclass
class Record:
    """One case against one baseline. `unit` is "FLOP/s", "B/s" or "" (no work counted);
    `peak_bytes` is set by memory cases, whose "times" are then bytes."""
    name: str
    shapes: str
    dtype: str
    device: str
    engine_s: float
    baseline: str
    baseline_s: float
    work: float = 0.0
    unit: str = ""
    peak: float = 0.0
    note: str = ""
    ratio: float = field(init=False)
    achieved: float = field(init=False)
    pct_peak: float = field(init=False)

    def __post_init__(self):
        self.ratio = self.engine_s / self.baseline_s if self.baseline_s else float("nan")
        self.achieved = self.work / self.engine_s if self.work and self.engine_s else 0.0
        self.pct_peak = 100.0 * self.achieved / self.peak if self.achieved and self.peak else 0.0


def cpu_description():
    """The CPU's model name (from /proc/cpuinfo), its logical core count, and the library versions."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()[0]}


def _si(value, unit):
    """1.23e9 -> '1.23 G' + unit."""
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.2f} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def _time(seconds):
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.1f} us"


def format_table(records):
    """The records as a fixed-width text table, one line each."""
    header = ("case", "shapes", "dtype", "engine", "baseline", "base", "ratio", "achieved", "% peak")
    rows = []
    for r in records:
        if r.unit == "B":  # a memory case: the "times" are peak bytes
            engine, base, achieved = _si(r.engine_s, "B"), _si(r.baseline_s, "B"), ""
        else:
            engine, base = _time(r.engine_s), _time(r.baseline_s)
            achieved = _si(r.achieved, r.unit) if r.achieved else ""
        pct = f"{r.pct_peak:.1f}" if r.pct_peak else ""
        rows.append((r.name, r.shapes, r.dtype, engine, r.baseline, base, f"{r.ratio:.3g}", achieved, pct))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(path, meta, records):
    """{"meta": meta, "records": [every Record's fields]} to path."""
    with open(path, "w") as f:
        json.dump({"meta": meta, "records": [asdict(r) for r in records]}, f, indent=2)


def write_plot(path, records, title):
    """A PNG bar chart of every record's ratio (log scale; the line at 1 is parity)."""
    from matplotlib.figure import Figure  # no pyplot: no window, no global backend switch

    labels = [f"{r.name} {r.shapes} vs {r.baseline}" for r in records]
    fig = Figure(figsize=(10, 0.3 * len(records) + 1.5))
    ax = fig.add_subplot()
    ax.barh(range(len(records)), [r.ratio for r in records], color="tab:blue")
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(records)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("engine / baseline: time (below 1: engine faster), or bytes for memory rows")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
