"""The `tinygrad-lite` command line (also `python -m tinygrad_lite`).

    tinygrad-lite check [--dtype float32|float64|both] [--seed N] [--only TEXT]
        every public op against PyTorch: a table, and a non-zero exit on any failure
    tinygrad-lite train mlp [--device D] [--out DIR] [--epochs N | --steps N] [--seed N] ...
        an MLP on the 8x8 handwritten digits: metrics.json, a checkpoint and plots in DIR
    tinygrad-lite train transformer [--task sort|reverse|copy|text] [--text FILE] [--steps N] ...
        a small decoder-only transformer on a digit task, or a character model of a text file
    tinygrad-lite kernels [--target sm_80|sm_90|all] [--json PATH] [--markdown PATH]
        every Triton kernel compiled for A100/H100 without a GPU: registers, spills, shared
        memory, tensor cores, occupancy and a roofline estimate; a non-zero exit on a failure
    tinygrad-lite bench cpu|gpu [--quick | --tiny] [--json PATH] [--plot PATH]
        the engine against numpy and torch (cpu), the Triton kernels against torch/cuBLAS (gpu):
        a table of time ratios and % of peak, optionally written as JSON and a PNG plot
"""
import argparse
import os
import sys
import time
from pathlib import Path


def _check(args):
    from tinygrad_lite.check import run  # torch itself is imported only inside run()

    dtypes = ("float32", "float64") if args.dtype == "both" else (args.dtype,)
    return run(dtypes, seed=args.seed, only=args.only)


def _train(args):
    from tinygrad_lite import train
    from tinygrad_lite.backend import get_backend

    try:
        get_backend(args.device)
    except (ValueError, RuntimeError) as e:  # an unknown device, or one this machine lacks
        print(f"train {args.job}: {e}")
        return 2
    job = {"mlp": train.train_mlp, "transformer": train.train_transformer}[args.job]
    settings = {name: getattr(args, name) for name in _TRAIN_SETTINGS[args.job]}
    out = args.out
    if out is None:
        out = os.path.dirname(args.resume) if args.resume else os.path.join("runs", args.job)
    try:
        with train.blas_threads(args.threads or None):
            metrics = job(out=out, device=args.device, resume=args.resume, stop_after=args.stop_after,
                          progress=not args.no_progress, **settings)
    except (ImportError, ValueError, FileNotFoundError) as e:
        print(f"train {args.job}: {e}")
        return 2
    for i, sample in enumerate(metrics.get("samples", []), 1):
        print(f"--- sample {i} ---\n{sample}")
    print(f"{metrics['steps']}/{metrics['total_steps']} steps in {metrics['seconds']:.1f} s; "
          f"final loss {metrics['final_loss']:.4f}; test accuracy {metrics['test_accuracy']:.4f}")
    print(f"wrote {', '.join(sorted(os.listdir(out)))} to {out}")
    return 0


def _kernels(args):
    from tinygrad_lite import gpu_report  # triton and torch are imported only by its compile workers

    targets = gpu_report.TARGETS if args.target == "all" else (args.target,)
    return gpu_report.main(targets, json_path=args.json, markdown_path=args.markdown)


# The settings each job takes from the command line (flags left out keep the job's defaults).
_TRAIN_SETTINGS = {
    "mlp": ("epochs", "steps", "batch_size", "lr", "weight_decay", "hidden", "dropout", "seed"),
    "transformer": ("task", "text", "length", "block_size", "steps", "batch_size", "lr", "weight_decay",
                    "d_model", "n_heads", "n_layers", "dropout", "eval_size", "seed"),
}


def _add_train(commands):
    train = commands.add_parser("train", help="train an example model; writes metrics, a checkpoint and plots")
    jobs = train.add_subparsers(dest="job", required=True)
    mlp = jobs.add_parser("mlp", help="an MLP on the 8x8 handwritten digits")
    transformer = jobs.add_parser("transformer", help="a decoder-only transformer on a digit task or a text file")
    for parser in (mlp, transformer):
        parser.add_argument("--device", default="cpu", help="cpu (default), interp or cuda")
        parser.add_argument("--out", metavar="DIR", help=f"output folder (default: runs/{parser.prog.split()[-1]}, "
                            "or the checkpoint's folder when resuming)")
        parser.add_argument("--steps", type=int, help="optimizer steps in the whole run")
        parser.add_argument("--batch-size", type=int)
        parser.add_argument("--lr", type=float, help="peak learning rate (AdamW, cosine schedule)")
        parser.add_argument("--weight-decay", type=float)
        parser.add_argument("--dropout", type=float)
        parser.add_argument("--seed", type=int, help="fixes weights, data, batch order and dropout (default 0)")
        parser.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in CHECKPOINT "
                            "(its checkpoint.safetensors) with its own settings")
        parser.add_argument("--stop-after", type=int, metavar="STEP",
                            help="stop after STEP steps and write a checkpoint to resume from later")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--threads", type=int, default=1, metavar="N",
                            help="BLAS threads for numpy's matmul (default 1: these matrices are small, and "
                                 "spare threads only contend; 0 lets the BLAS library choose)")
        parser.set_defaults(handler=_train)
    mlp.add_argument("--epochs", type=int, help="passes over the training set (default 30; --steps overrides)")
    mlp.add_argument("--hidden", type=int, help="width of the two hidden layers (default 128)")
    transformer.add_argument("--task", choices=["sort", "reverse", "copy", "text"],
                             help="sort, reverse or copy digits (default sort), or text: learn --text FILE")
    transformer.add_argument("--text", metavar="FILE", help="the text file for --task text")
    transformer.add_argument("--length", type=int, help="digits per example (default 8)")
    transformer.add_argument("--block-size", type=int, help="characters the text model sees at once (default 64)")
    transformer.add_argument("--d-model", type=int, help="width of the model (default 32)")
    transformer.add_argument("--heads", dest="n_heads", type=int, help="attention heads (default 4)")
    transformer.add_argument("--layers", dest="n_layers", type=int, help="transformer blocks (default 2)")
    transformer.add_argument("--eval-size", type=int, help="test examples (default 1000)")


def _find_benchmarks():
    """Put the repository root on sys.path: the `benchmarks` package lives there, beside this
    package, and is not installed (it measures, it is not part of the library), so `bench`
    works from a source checkout or an editable install."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "benchmarks" / "__init__.py").is_file():
        raise ImportError(f"the benchmarks/ folder is not beside {Path(__file__).parent}: "
                          "run `bench` from a source checkout (pip install -e .)")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))


def _bench(args):
    try:
        _find_benchmarks()
        from benchmarks import common
        if args.suite == "gpu":
            from benchmarks import gpu as suite
        else:
            from benchmarks import cpu as suite
        config = suite.TINY if args.tiny else suite.QUICK if args.quick else suite.FULL
        started = time.perf_counter()
        result = suite.run(config)
    except ImportError as e:
        print(f"bench {args.suite}: {e}")
        return 2
    if result is None:  # the suite said why it could not run
        return 0
    meta, records = result
    print(suite.describe(meta))
    print(common.format_table(records))
    print(f"bench {args.suite}: {len(records)} records in {time.perf_counter() - started:.1f} s")
    if args.json:
        common.write_json(args.json, meta, records)
        print(f"wrote {args.json}")
    if args.plot:
        common.write_plot(args.plot, records, f"tinygrad-lite bench {args.suite}")
        print(f"wrote {args.plot}")
    return 0


def _add_bench(commands):
    bench = commands.add_parser("bench", help="time the engine or the kernels against torch, numpy and the peak")
    bench.add_argument("suite", choices=["cpu", "gpu"], help="cpu: the engine against numpy and torch; "
                       "gpu: the Triton kernels against torch and cuBLAS")
    size = bench.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="fewer sizes and repeats (the CPU suite: under a minute)")
    size.add_argument("--tiny", action="store_true",
                      help="smoke-test sizes that run in seconds: checks the suite works; the numbers mean nothing")
    bench.add_argument("--json", metavar="PATH", help="write the machine, the peaks and every record as JSON")
    bench.add_argument("--plot", metavar="PATH", help="write a PNG bar chart of the ratios")
    bench.set_defaults(handler=_bench)


def build_parser():
    parser = argparse.ArgumentParser(prog="tinygrad-lite", description="a readable numpy deep learning engine")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run every op beside PyTorch and compare values and gradients")
    check.add_argument("--dtype", choices=["float32", "float64", "both"], default="both")
    check.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    check.add_argument("--only", metavar="TEXT", help="run only the cases whose name contains TEXT")
    check.set_defaults(handler=_check)
    _add_train(commands)
    kernels = commands.add_parser("kernels", help="compile every Triton kernel for an A100 (sm_80) and an H100 "
                                  "(sm_90), no GPU needed: registers, spills, shared memory, tensor cores, roofline")
    kernels.add_argument("--target", choices=["sm_80", "sm_90", "all"], default="all",
                         help="the GPU architecture to compile for (default: all)")
    kernels.add_argument("--json", metavar="PATH", help="also write every row, and the GPUs' limits, as JSON")
    kernels.add_argument("--markdown", metavar="PATH", help="also write the tables as Markdown")
    kernels.set_defaults(handler=_kernels)
    _add_bench(commands)
    return parser


def main(argv=None) -> int:
    """Parse `argv` (default: sys.argv[1:]), run the command, return its exit code."""
    if argv is not None and (not isinstance(argv, (list, tuple)) or not all(isinstance(a, str) for a in argv)):
        raise TypeError(f"main: argv must be a list of strings (or None for sys.argv[1:]), not {argv!r}")
    args = build_parser().parse_args(argv)
    return args.handler(args)
