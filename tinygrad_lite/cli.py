"""The `tinygrad-lite` command line (also `python -m tinygrad_lite`).

    tinygrad-lite check [--dtype float32|float64|both] [--seed N] [--only TEXT]
        every public op against PyTorch: a table, and a non-zero exit on any failure
"""
import argparse


def _check(args):
    from tinygrad_lite.check import run  # torch itself is imported only inside run()

    dtypes = ("float32", "float64") if args.dtype == "both" else (args.dtype,)
    return run(dtypes, seed=args.seed, only=args.only)


def build_parser():
    parser = argparse.ArgumentParser(prog="tinygrad-lite", description="a readable numpy deep learning engine")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run every op beside PyTorch and compare values and gradients")
    check.add_argument("--dtype", choices=["float32", "float64", "both"], default="both")
    check.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    check.add_argument("--only", metavar="TEXT", help="run only the cases whose name contains TEXT")
    check.set_defaults(handler=_check)
    return parser


def main(argv=None) -> int:
    """Parse `argv` (default: sys.argv[1:]), run the command, return its exit code."""
    args = build_parser().parse_args(argv)
    return args.handler(args)
