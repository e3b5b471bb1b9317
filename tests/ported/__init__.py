"""Training programs written as ordinary PyTorch code, run unchanged on torch and on tinygrad_lite.

Each file here is a plain PyTorch program: it says `import torch`, `import torch.nn as nn`,
`import torch.nn.functional as F`, `from torch.utils.data import ...`, and knows nothing of the
engine. tests/test_ported_programs.py executes a file's source twice, each time in a fresh
namespace whose `__import__` resolves `torch` and `torch.*` to one library: once to torch
itself, once to `tinygrad_lite` (`torch.nn` -> `tinygrad_lite.nn`, ...). So the port is exactly
"change the imports", with not one other character of the program changed.

A program file defines:
  build()          -> a tuple of nn.Modules (called under the same seed for both libraries; the
                      engine's modules then load torch's state_dicts, so both start from the same
                      weights),
  train(*modules)  -> the list of per-step losses (Python floats); its data come from numpy,
  and, where it has one, sample(*modules) -> generated output to check for validity.
These files are not test modules (no test_ prefix): pytest does not collect them.
"""
