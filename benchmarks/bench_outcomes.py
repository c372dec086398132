"""Benchmark: participant outcomes, 1,000,000 savers' paths x 40 years monthly, against bare NumPy.

Run: .venv/bin/python benchmarks/bench_outcomes.py [--paths 1000000] [--seed 7] [--repeats 3]
     [--workers 1,2] [--chunk 50000] [--no-in-process] [--kernel-only]
     [--layout auto|paths-months|months-paths] [--breakdown-paths 0]

Loads the shipped inputs (``altsleeve.workflows.outcomes.load_inputs``: the sample 2045 vehicle, the
default outcomes parameters, the sample fee stack, the real monthly history from ``arch``) and
keeps ONE cohort, the age-25 saver, so that a path is 40 years = 480 months: the parameters are
rebuilt with ``OutcomeParams.from_mapping`` on a modified ``model_dump()`` and prepared with
``altsleeve.outcomes.prepare`` (as ``prepare_inputs`` does). Every path still computes the
wealth at retirement without the sleeve and with it at the fee multipliers 1, 0.5 and 1.5 (two
SYNTHETIC private funds, each with its fee layer, then the fund-of-funds layer).

Then times ``run_outcomes`` alone, in this process (chunks one after another) and on a Dask
LocalCluster of each worker count (one warm-up run of 20,000 paths first, so the workers have
imported the package; the cluster's start is printed apart), against the bare NumPy kernel of the
same shape: ``--paths`` x 480 random monthly returns ``rng.normal(0.007, 0.045)``, plus one, and
their cumulative product, keeping each path's terminal value. The kernel runs in chunks of
``--chunk`` paths (1,000,000 x 480 float64 would be 3.8 GB), one PCG64 stream per chunk, as the
same number of tasks as the model: one after another in this process, and mapped onto the same
cluster. Its layout, (paths, months) with the product along rows or (months, paths) along columns,
is the faster of the two in a short trial in this process (``--layout auto``; it is the baseline,
so it gets the better one). In each mode the model and the kernel alternate, run by run, so the
ratio is taken pair by pair as well as between the medians.

Every counted run must give the same wealth bit for bit (``np.array_equal``), in process and on
every cluster, and the kernel the same terminal values; the script stops otherwise. Prints per
mode the min, median and max seconds, paths per second at the median, the bare kernel's median
and the ratio, the peak memory of this process and of each worker (model and kernel apart), the
load average, and the machine.

``--breakdown-paths N`` (N > 0) adds, in this process and clearly labelled, where the time goes:
the same model at N paths with parts removed (fee multiplier 1 only; one fund; no fund-of-funds
layer; no hardship withdrawals; all four), the kernel at N paths, and a cProfile of one run.
``--kernel-only`` times only the kernel.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from altsleeve.common.scaleout import dask_client
from altsleeve.fees import FeeStack
from altsleeve.outcomes import BlockResult, OutcomeParams, Prepared, prepare, run_outcomes
from altsleeve.workflows.outcomes import (
    OutcomeInputs,
    load_inputs,
)

FloatArray = NDArray[np.float64]

#: The one cohort kept: 40 years to retirement at 65.
COHORT_AGE = 25.0
MONTHS = 480
LAYOUTS = ("paths-months", "months-paths")


# -- machine and memory ------------------------------------------------------------------------
def peak_rss_mib() -> float:
    """Peak resident memory of the calling process, MiB (``VmHWM``; see the stress benchmark)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak() -> bool:
    """Reset this process's ``VmHWM`` to its current resident size (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import dask
    import distributed

    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"numpy {np.__version__}, dask {dask.__version__}, "  # type: ignore[attr-defined]
        f"distributed {distributed.__version__}, {dt.date.today()}"  # type: ignore[attr-defined]
    )


def load() -> str:
    a, b, c = os.getloadavg()
    return f"load average {a:.2f} {b:.2f} {c:.2f}"


# -- the model's inputs ------------------------------------------------------------------------
def bench_prep(
    inputs: OutcomeInputs,
    seed: int,
    *,
    multipliers: list[float] | None = None,
    one_fund: bool = False,
    no_fof: bool = False,
    no_hardship: bool = False,
) -> Prepared:
    """The shipped inputs with only the age-25 cohort; optionally with parts removed."""
    data = inputs.params.model_dump()
    data["cohorts"] = [c for c in data["cohorts"] if c["age"] == COHORT_AGE]
    if len(data["cohorts"]) != 1:
        raise SystemExit(f"the default parameters have no single age-{COHORT_AGE:g} cohort")
    if multipliers is not None:
        data["simulation"]["fee_multipliers"] = multipliers
    if no_hardship:
        data["savers"]["hardship_probability"] = 0.0
    stack = inputs.stack
    if one_fund or no_fof:
        sd = stack.model_dump()
        if one_fund:
            # the evergreen fund: the sample buyout fund alone at weight 1 cannot be prepared
            # (its representative drawdown case finds no deal growth; see BENCHMARKS.md)
            keep = next(f for f in sd["funds"] if f["kind"] == "evergreen")
            sd["funds"] = [{**keep, "weight": 1.0}]
            data["private"]["funds"] = {keep["id"]: data["private"]["funds"][keep["id"]]}
        if no_fof:
            sd["fund_of_funds"] = None
        stack = FeeStack.from_mapping(sd, label="<bench stack>")
    params = OutcomeParams.from_mapping(data, label="<bench params>")
    prep = prepare(params, inputs.vehicle, stack, inputs.history, seed=seed)
    if prep.n_months != MONTHS:
        raise SystemExit(f"the age-{COHORT_AGE:g} cohort has {prep.n_months} months, not {MONTHS}")
    return prep


def same(a: BlockResult, b: BlockResult) -> bool:
    return (
        np.array_equal(a.wealth, b.wealth)
        and np.array_equal(a.sleeve_gross, b.sleeve_gross)
        and np.array_equal(a.sleeve_net, b.sleeve_net)
    )


# -- the bare kernel ---------------------------------------------------------------------------
def kernel_chunk(seed: int, index: int, n: int, months: int, layout: str) -> tuple[int, FloatArray]:
    """``n`` paths' growth of one dollar over ``months`` random monthly returns (one task).

    ``1 + rng.normal(0.007, 0.045)`` per path and month, cumulative product along the months,
    the last month kept; one PCG64 stream per chunk ``index``.
    """
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, index])))
    if layout == "paths-months":
        r = rng.normal(0.007, 0.045, (n, months))
        r += 1.0
        np.cumprod(r, axis=1, out=r)
        return index, r[:, -1].copy()
    r = rng.normal(0.007, 0.045, (months, n))
    r += 1.0
    np.cumprod(r, axis=0, out=r)
    return index, r[-1].copy()


def kernel_sizes(n_paths: int, chunk: int) -> list[int]:
    return [min(chunk, n_paths - s) for s in range(0, n_paths, chunk)]


def run_kernel(n_paths: int, chunk: int, seed: int, layout: str, client: Any = None) -> FloatArray:
    """The kernel over ``n_paths`` paths in chunks: here one after another, or one task each."""
    sizes = kernel_sizes(n_paths, chunk)
    parts: dict[int, FloatArray] = {}
    if client is None:
        for i, n in enumerate(sizes):
            parts[i] = kernel_chunk(seed, i, n, MONTHS, layout)[1]
    else:
        from distributed import as_completed

        futures = client.map(
            kernel_chunk,
            [seed] * len(sizes),
            range(len(sizes)),
            sizes,
            months=MONTHS,
            layout=layout,
            pure=False,
        )
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            i, term = future.result()
            parts[i] = term
            future.release()
    return np.concatenate([parts[i] for i in range(len(sizes))])


def choose_layout(chunk: int, seed: int) -> str:
    """The faster kernel layout in this process: 2 rounds of 3 chunks each, alternated."""
    best: dict[str, float] = {k: float("inf") for k in LAYOUTS}
    for _ in range(2):
        for layout in LAYOUTS:
            t = time.perf_counter()
            for i in range(3):
                kernel_chunk(seed, i, chunk, MONTHS, layout)
            best[layout] = min(best[layout], (time.perf_counter() - t) / 3)
    print(
        "kernel layout trial, best seconds per chunk of "
        f"{chunk:,} paths: " + ", ".join(f"{k} {v:.3f}" for k, v in best.items()),
        flush=True,
    )
    return min(LAYOUTS, key=lambda k: best[k])


# -- timing ------------------------------------------------------------------------------------
class Mode:
    """Counted runs of one mode: model and kernel seconds, peaks, results."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.model: list[float] = []
        self.kernel: list[float] = []
        self.model_peak: list[float] = []  # per process: this one, or each worker
        self.kernel_peak: list[float] = []
        self.loads: list[str] = []


def peaks(client: Any) -> list[float]:
    if client is None:
        return [peak_rss_mib()]
    return sorted(client.run(peak_rss_mib).values())


def resets(client: Any) -> None:
    if client is None:
        reset_peak()
    else:
        client.run(reset_peak)


def maxed(a: list[float], b: list[float]) -> list[float]:
    return [max(x, y) for x, y in zip(a, b, strict=True)] if a else b


def counted(
    mode: Mode,
    args: argparse.Namespace,
    prep: Prepared | None,
    layout: str,
    refs: dict[str, Any],
    client: Any = None,
) -> None:
    """``args.repeats`` pairs: the model's run, then the kernel's (model skipped if no prep)."""
    mode.loads.append(load())
    for k in range(args.repeats):
        if prep is not None:
            resets(client)
            t = time.perf_counter()
            out = run_outcomes(prep, args.paths, client=client, chunk_paths=args.chunk)
            mode.model.append(time.perf_counter() - t)
            mode.model_peak = maxed(mode.model_peak, peaks(client))
            if refs.get("model") is None:
                refs["model"] = out
            elif not same(refs["model"], out):
                raise SystemExit(f"{mode.label}: the model's result differs from the reference run")
            del out
        resets(client)
        t = time.perf_counter()
        term = run_kernel(args.paths, args.chunk, args.seed, layout, client)
        mode.kernel.append(time.perf_counter() - t)
        mode.kernel_peak = maxed(mode.kernel_peak, peaks(client))
        if refs.get("kernel") is None:
            refs["kernel"] = term
        elif not np.array_equal(refs["kernel"], term):
            raise SystemExit(f"{mode.label}: the kernel's result differs from the reference run")
        del term
        line = f"  {mode.label} run {k + 1}:"
        if prep is not None:
            line += f" model {mode.model[-1]:.1f} s,"
        line += f" kernel {mode.kernel[-1]:.1f} s"
        if prep is not None:
            line += f", ratio {mode.model[-1] / mode.kernel[-1]:.2f}"
        print(line, flush=True)
    mode.loads.append(load())


def three(x: list[float]) -> str:
    return f"{min(x):.1f} / {statistics.median(x):.1f} / {max(x):.1f}"


def report(mode: Mode, n_paths: int) -> None:
    k_med = statistics.median(mode.kernel)
    kpeak = ", ".join(f"{p:,.0f}" for p in mode.kernel_peak)
    if mode.model:
        med = statistics.median(mode.model)
        pairs = [m / k for m, k in zip(mode.model, mode.kernel, strict=True)]
        mpeak = ", ".join(f"{p:,.0f}" for p in mode.model_peak)
        print(
            f"{mode.label}: model min / median / max {three(mode.model)} s "
            f"({len(mode.model)} runs), {n_paths / med:,.0f} paths/s; bare kernel "
            f"{three(mode.kernel)} s; ratio of medians {med / k_med:.2f}, pair by pair "
            f"{min(pairs):.2f} / {statistics.median(pairs):.2f} / {max(pairs):.2f}; "
            f"peak MiB model {mpeak}, kernel {kpeak}; {mode.loads[0]} -> {mode.loads[-1]}",
            flush=True,
        )
    else:
        print(
            f"{mode.label}: bare kernel min / median / max {three(mode.kernel)} s "
            f"({len(mode.kernel)} runs), {n_paths / k_med:,.0f} paths/s; peak MiB {kpeak}; "
            f"{mode.loads[0]} -> {mode.loads[-1]}",
            flush=True,
        )


def table(modes: list[Mode], n_paths: int, layout: str) -> None:
    print("\n| mode | min (s) | median (s) | max (s) | paths/s | bare kernel median (s) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for m in modes:
        k_med = statistics.median(m.kernel)
        if m.model:
            med = statistics.median(m.model)
            print(
                f"| {m.label} | {min(m.model):.1f} | {med:.1f} | {max(m.model):.1f} | "
                f"{n_paths / med:,.0f} | {k_med:.1f} | {med / k_med:.1f}x |"
            )
        else:
            print(f"| {m.label} | | | | | {k_med:.1f} | |")
    print(f"(kernel layout: {layout})\n", flush=True)


# -- where the time goes -----------------------------------------------------------------------
def breakdown(inputs: OutcomeInputs, args: argparse.Namespace, layout: str) -> None:
    """The model at ``--breakdown-paths`` with parts removed, in this process (labelled)."""
    n = args.breakdown_paths
    variants: list[tuple[str, Callable[[], Prepared]]] = [
        ("as benchmarked (2 funds, FoF, multipliers 1, 0.5, 1.5, hardship)", lambda: full),
        (
            "fee multiplier 1 only (2 variants, not 4)",
            lambda: bench_prep(inputs, args.seed, multipliers=[]),
        ),
        (
            "one fund (the evergreen real estate, weight 1)",
            lambda: bench_prep(inputs, args.seed, one_fund=True),
        ),
        ("no fund-of-funds layer", lambda: bench_prep(inputs, args.seed, no_fof=True)),
        ("no hardship withdrawals", lambda: bench_prep(inputs, args.seed, no_hardship=True)),
        (
            "all four removed",
            lambda: bench_prep(
                inputs, args.seed, multipliers=[], one_fund=True, no_fof=True, no_hardship=True
            ),
        ),
    ]
    full = bench_prep(inputs, args.seed)
    print(
        f"\nWHERE THE TIME GOES (breakdown, not the benchmark): {n:,} paths in this process, "
        f"chunks of {args.chunk:,}, {args.repeats} runs each, median; {load()}",
        flush=True,
    )
    kt = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        run_kernel(n, args.chunk, args.seed, layout)
        kt.append(time.perf_counter() - t)
    k_med = statistics.median(kt)
    print(f"  breakdown: bare kernel ({layout}): {three(kt)} s", flush=True)
    base = None
    for label, make in variants:
        prep = make()
        times = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            run_outcomes(prep, n, chunk_paths=args.chunk)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        base = base or med
        print(
            f"  breakdown: {label}: {three(times)} s, {med / base:.0%} of the full model, "
            f"{med / k_med:.1f}x the kernel",
            flush=True,
        )
    prof = cProfile.Profile()
    prof.enable()
    run_outcomes(full, n, chunk_paths=args.chunk)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(14)
    print(f"  breakdown: cProfile of the full model, {n:,} paths, by own time:", flush=True)
    lines = buf.getvalue().splitlines()
    start = next((i for i, x in enumerate(lines) if "ncalls" in x), 0)
    for x in lines[start:]:
        if x.strip():
            print("    " + x)
    print(f"  breakdown done; {load()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--workers", default="1,2", help="local cluster sizes, comma-separated ('' for none)"
    )
    parser.add_argument(
        "--chunk", type=int, default=50_000, help="paths per task (and kernel chunk)"
    )
    parser.add_argument("--no-in-process", action="store_true")
    parser.add_argument("--kernel-only", action="store_true", help="time the bare kernel only")
    parser.add_argument("--layout", choices=("auto", *LAYOUTS), default="auto")
    parser.add_argument(
        "--breakdown-paths", type=int, default=0, help="paths for the where-the-time-goes runs"
    )
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",") if w.strip()]

    print(machine(), flush=True)
    print(f"start: {load()}", flush=True)
    wall = time.perf_counter()
    cpu0 = os.times()
    t = time.perf_counter()
    inputs = load_inputs()
    prep = None if args.kernel_only else bench_prep(inputs, args.seed)
    h = inputs.history
    print(
        f"inputs: shipped samples, {len(h)} months of history {h.index[0]} .. {h.index[-1]}; "
        f"one cohort (age {COHORT_AGE:g}), {MONTHS} months; "
        + (
            f"{prep.n_variants} wealth figures per path (without; with at fee multipliers "
            f"{', '.join(f'{m:g}' for m in prep.multipliers)}), {len(prep.funds)} funds, "
            f"fund of funds {'yes' if prep.fof is not None else 'no'}, seeded blocks of "
            f"{prep.block_paths:,} paths"
            if prep is not None
            else "kernel only"
        )
        + f": {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    layout = choose_layout(args.chunk, args.seed) if args.layout == "auto" else args.layout
    print(f"kernel layout: {layout}", flush=True)
    what = (
        f"{args.paths:,} paths x {MONTHS} months, chunks of {args.chunk:,} "
        f"({len(kernel_sizes(args.paths, args.chunk))} tasks)"
    )
    print(what, flush=True)

    refs: dict[str, Any] = {}
    modes: list[Mode] = []
    if not args.no_in_process:
        mode = Mode("in process")
        counted(mode, args, prep, layout, refs)
        report(mode, args.paths)
        modes.append(mode)
    for n in workers:
        t = time.perf_counter()
        with dask_client(n_workers=n) as client:
            started = time.perf_counter() - t
            t = time.perf_counter()
            if prep is not None:
                run_outcomes(prep, 20_000, client=client, chunk_paths=10_000)
            run_kernel(
                2 * min(args.chunk, 10_000), min(args.chunk, 10_000), args.seed, layout, client
            )
            env = sorted(set(client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_")).values()))
            print(
                f"{n} Dask worker{'s' if n > 1 else ''}: cluster start {started:.1f} s, warm-up "
                f"{time.perf_counter() - t:.1f} s; MALLOC_TRIM_THRESHOLD_ in the workers: {env}",
                flush=True,
            )
            mode = Mode(f"{n} Dask worker{'s' if n > 1 else ''}")
            counted(mode, args, prep, layout, refs, client)
        report(mode, args.paths)
        modes.append(mode)

    if modes:
        table(modes, args.paths, layout)
        ident = "the kernel's terminal values"
        if prep is not None:
            w = refs["model"].wealth
            ident = "the wealth (and the sleeve's growth) and " + ident
            print(
                f"median wealth at 65 (real $): without {np.median(w[0, 0]):,.0f}; with at "
                + ", ".join(
                    f"x{m:g} {np.median(w[0, 1 + i]):,.0f}" for i, m in enumerate(prep.multipliers)
                )
                + f"; P(better off) {np.mean(w[0, 1] > w[0, 0]):.4f}"
            )
        print(f"identical bit for bit across every counted run and mode: {ident}")
    if args.breakdown_paths > 0 and not args.kernel_only:
        breakdown(inputs, args, layout)
    cpu1 = os.times()
    print(
        f"peak memory of this process: {peak_rss_mib():,.0f} MiB (since the last reset); "
        f"script wall {time.perf_counter() - wall:.0f} s, this process's CPU "
        f"{cpu1.user - cpu0.user:.0f} s user, {cpu1.system - cpu0.system:.0f} s system; "
        f"end: {load()}"
    )


if __name__ == "__main__":
    main()
