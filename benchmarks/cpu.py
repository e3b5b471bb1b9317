"""The CPU suite: the engine (numpy backend) against raw numpy and torch eager, in one run.

Cases, float32 throughout:
  peak         numpy's fp32 matmul at 2048^3 (256^3 in the smoke test): the FLOP/s that
               "% peak" divides by; and a 64 MiB numpy copy: the memory bandwidth that byte-bound cases divide by
  matmul       C = A @ B and its backward (dA = G B^T, dB = A^T G): 3 * 2 n^3 FLOPs;
               vs the same three products in numpy (arrays kept as long as the engine keeps
               them: the gradients until the next step), and torch autograd
  mlp          one SGD step of 784-1024-1024-10 (ReLU, cross-entropy), batch 256: 6 * batch * weights FLOPs
  transformer  one SGD step of a causal pre-norm block (8 x 128 tokens, width 256, 4 heads):
               6 * tokens * weights + 12 * B * T^2 * width FLOPs (the full, unmasked score matrix)
  attention    softmax(q k^T / 8) v forward + backward (4 x 8 heads x 512 tokens x 64):
               12 * B * H * T^2 * E FLOPs, vs torch's scaled_dot_product_attention;
               and the engine's peak memory (one head, tracemalloc) as the length grows
  overhead     1,000 small ops ((4, 4) add/mul) forward + backward: per-op cost of the graph
  adam         one Adam step over 10M parameters: 7 float32 reads/writes per parameter (28 B)

torch runs with as many threads as numpy's BLAS (threadpoolctl's report), and so does
the engine's own elementwise and attention work (unless TINYGRAD_LITE_NUM_THREADS says
otherwise): both sides use the same cores. The engine and its baselines run in one
process, so both see the same malloc settings (see tinygrad_lite.backend.allocator).
"""
import os
import time
import tracemalloc

import numpy as np

from .common import MAX_REPEATS, TIME_PER_SIDE, Record, Timing, cpu_description, paired_medians, run_times

FULL = {"peak_size": 2048, "matmul": (256, 512, 1024, 2048), "attention_lengths": (512, 1024, 2048, 4096, 8192),
        "mlp_batch": 256, "block": (8, 128, 256, 4), "attention": (4, 8, 512, 64), "chain": 1000,
        "adam": 10_000_000, "timing": Timing(warmup=2, repeats=7)}
QUICK = {**FULL, "matmul": (256, 512), "attention_lengths": (512, 1024), "timing": Timing(warmup=1, repeats=3)}
# Smoke-test sizes for the test suite: every case runs in well under a second; the numbers mean nothing.
TINY = {"peak_size": 256, "matmul": (32,), "attention_lengths": (32, 64), "mlp_batch": 8, "block": (2, 16, 32, 4),
        "attention": (1, 2, 32, 16), "chain": 20, "adam": 1000, "timing": Timing(warmup=1, repeats=1)}


def blas_threads():
    """Threads of the BLAS library behind numpy's matmul (None if threadpoolctl cannot tell)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    return max(counts) if counts else None


def measure_peaks(n, timing):
    """(FLOP/s of numpy's float32 matmul at n^3, bytes/s of a 64 MiB numpy copy: read + write).
    A peak is what the machine can do, so each comes from the fastest run, not the median;
    always after a warm-up, as the first copy into fresh memory also pays its page faults."""
    timing = Timing(warmup=max(1, timing.warmup), repeats=max(3, timing.repeats))
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    flops = 2 * n ** 3 / min(run_times(lambda: a @ b, timing))
    src = np.ones(16 * 2 ** 20, np.float32)
    dst = np.empty_like(src)
    bandwidth = 2 * src.nbytes / min(run_times(lambda: np.copyto(dst, src), timing))
    return flops, bandwidth


def _matmul(torch, tg, sizes, timing, peak):
    rng = np.random.default_rng(0)
    for n in sizes:
        a, b, g = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(3))
        A, B = tg.Tensor(a, requires_grad=True), tg.Tensor(b, requires_grad=True)
        G = tg.Tensor(g)
        # numpy multiplies the engine's own arrays: BLAS runs a few percent faster or slower
        # with how an array happens to sit against 64-byte lines (malloc gives 16-byte
        # alignment), and the comparison should not hinge on that draw.
        a, b, g = A.array, B.array, G.array

        def engine():
            A.grad = B.grad = None
            (A @ B).backward(G)

        ta, tb = (torch.tensor(x, requires_grad=True) for x in (a, b))
        tgrad = torch.tensor(g)

        def with_torch():
            ta.grad = tb.grad = None
            (ta @ tb).backward(tgrad)

        kept = {}

        def with_numpy():  # arrays live as long as the engine's: the output through the
            kept.clear()   # backward, the gradients until the next step (as .grad keeps them)
            out = a @ b
            kept["grads"] = g @ b.T, a.T @ g
            del out

        common = dict(shapes=f"({n}, {n}) @ ({n}, {n})", dtype="float32", device="cpu",
                      work=3 * 2 * n ** 3, unit="FLOP/s", peak=peak)
        for label, baseline in (("numpy", with_numpy), ("torch", with_torch)):
            t, base = paired_medians(engine, baseline, timing)
            yield Record("matmul fwd+bwd", engine_s=t, baseline=label, baseline_s=base, **common)


def _mlp(torch, tg, batch, timing, peak):
    import tinygrad_lite.nn as nn
    import tinygrad_lite.nn.functional as F
    import tinygrad_lite.optim as optim

    sizes = (784, 1024, 1024, 10)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], batch)
    model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
    opt = optim.SGD(model.parameters(), lr=0.01)
    X, Y = tg.Tensor(x), tg.Tensor(y)

    def engine():
        opt.zero_grad()
        F.cross_entropy(model(X), Y).backward()
        opt.step()

    tnn = torch.nn
    tmodel = tnn.Sequential(tnn.Linear(784, 1024), tnn.ReLU(), tnn.Linear(1024, 1024), tnn.ReLU(),
                            tnn.Linear(1024, 10))
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.01)
    tx, ty = torch.tensor(x), torch.tensor(y)

    def with_torch():
        topt.zero_grad()
        torch.nn.functional.cross_entropy(tmodel(tx), ty).backward()
        topt.step()

    weights = sum(i * o for i, o in zip(sizes, sizes[1:]))
    t, base = paired_medians(engine, with_torch, timing)
    yield Record("mlp train step", shapes=f"{batch} x 784-1024-1024-10", dtype="float32", device="cpu",
                 engine_s=t, baseline="torch", baseline_s=base, work=6 * batch * weights, unit="FLOP/s",
                 peak=peak)


def _torch_block(torch, d, heads):
    """torch's twin of tinygrad_lite.nn.TransformerBlock: pre-norm, fused qkv, causal SDPA, GELU MLP."""
    tnn, F = torch.nn, torch.nn.functional

    class Block(tnn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = tnn.LayerNorm(d), tnn.LayerNorm(d)
            self.qkv, self.out = tnn.Linear(d, 3 * d), tnn.Linear(d, d)
            self.mlp = tnn.Sequential(tnn.Linear(d, 4 * d), tnn.GELU(), tnn.Linear(4 * d, d))

        def forward(self, x):
            B, T, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).reshape(B, T, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
            att = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.out(att.transpose(1, 2).reshape(B, T, d))
            return x + self.mlp(self.ln2(x))

    return Block()


def _transformer(torch, tg, shape, timing, peak):
    import tinygrad_lite.nn as nn
    import tinygrad_lite.optim as optim

    B, T, d, heads = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((B, T, d), dtype=np.float32)
    block = nn.TransformerBlock(d, heads)
    opt = optim.SGD(block.parameters(), lr=0.01)
    X = tg.Tensor(x)

    def engine():  # loss: mean of squares of the output, a stand-in for a head and a loss
        opt.zero_grad()
        (block(X) ** 2).mean().backward()
        opt.step()

    tblock = _torch_block(torch, d, heads)
    topt = torch.optim.SGD(tblock.parameters(), lr=0.01)
    tx = torch.tensor(x)

    def with_torch():
        topt.zero_grad()
        (tblock(tx) ** 2).mean().backward()
        topt.step()

    weights = 4 * d * d + 2 * 4 * d * d  # qkv + out, and the MLP's two d x 4d matrices
    t, base = paired_medians(engine, with_torch, timing)
    yield Record("transformer block step", shapes=f"({B}, {T}, {d}), {heads} heads, causal", dtype="float32",
                 device="cpu", engine_s=t, baseline="torch", baseline_s=base,
                 work=6 * B * T * weights + 12 * B * T * T * d, unit="FLOP/s", peak=peak)


def _attention(torch, tg, shape, timing, peak):
    import tinygrad_lite.nn.functional as F

    B, H, T, E = shape
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((B, H, T, E), dtype=np.float32) for _ in range(4)]
    q, k, v = (tg.Tensor(a, requires_grad=True) for a in arrays[:3])
    g = tg.Tensor(arrays[3])

    def engine():
        q.grad = k.grad = v.grad = None
        F.scaled_dot_product_attention(q, k, v).backward(g)

    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in arrays[:3])
    tgrad = torch.tensor(arrays[3])

    def with_torch():
        tq.grad = tk.grad = tv.grad = None
        torch.nn.functional.scaled_dot_product_attention(tq, tk, tv).backward(tgrad)

    t, base = paired_medians(engine, with_torch, timing)
    yield Record("attention fwd+bwd", shapes=f"({B}, {H}, {T}, {E})", dtype="float32", device="cpu",
                 engine_s=t, baseline="torch sdpa", baseline_s=base, work=12 * B * H * T * T * E, unit="FLOP/s",
                 peak=peak)


def _attention_memory(tg, lengths, E=64):
    """Peak bytes that numpy allocates during one attention forward + backward of one head,
    traced by tracemalloc (numpy reports its buffers to it), beside the bytes of one (T, T)
    float32 score matrix: the engine never holds that matrix, only a block of query rows
    against all keys at a time (about 2**18 scores, never fewer than 64 rows), and
    recomputes the probabilities in the backward, so its peak grows as T. torch's
    allocations are invisible to tracemalloc, so torch gets no column here."""
    import tinygrad_lite.nn.functional as F

    rng = np.random.default_rng(0)
    for T in lengths:
        q, k, v = (tg.Tensor(rng.standard_normal((1, 1, T, E), dtype=np.float32), requires_grad=True)
                   for _ in range(3))
        g = tg.Tensor(rng.standard_normal((1, 1, T, E), dtype=np.float32))
        tracemalloc.start()
        F.scaled_dot_product_attention(q, k, v).backward(g)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        yield Record("attention peak memory", shapes=f"(1, 1, {T}, {E})", dtype="float32", device="cpu",
                     engine_s=peak, baseline="T x T fp32", baseline_s=4 * T * T, unit="B",
                     note="tracemalloc peak over forward + backward")


def _overhead(torch, tg, n_ops, timing):
    rng = np.random.default_rng(0)
    # |w| < 0.9 keeps x = x * w + b bounded (|x| < 10) however long the chain: no overflow to inf
    x0, w, b = (rng.uniform(-0.9, 0.9, (4, 4)).astype(np.float32) for _ in range(3))
    X, W, Bias = (tg.Tensor(a, requires_grad=True) for a in (x0, w, b))

    def engine():
        X.grad = W.grad = Bias.grad = None
        x = X
        for _ in range(n_ops // 2):
            x = x * W + Bias
        x.sum().backward()

    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x0, w, b))

    def with_torch():
        tx.grad = tw.grad = tb.grad = None
        x = tx
        for _ in range(n_ops // 2):
            x = x * tw + tb
        x.sum().backward()

    t, base = paired_medians(engine, with_torch, timing)
    yield Record(f"{n_ops} small ops fwd+bwd", shapes="(4, 4) mul/add chain", dtype="float32", device="cpu",
                 engine_s=t, baseline="torch", baseline_s=base,
                 note=f"{t / n_ops * 1e6:.1f} us/op vs torch {base / n_ops * 1e6:.1f} us/op")


def _adam(torch, tg, n, timing, bandwidth):
    import tinygrad_lite.optim as optim

    rng = np.random.default_rng(0)
    p0, g0 = rng.standard_normal(n, dtype=np.float32), rng.standard_normal(n, dtype=np.float32)
    p = tg.Tensor(p0.copy(), requires_grad=True)
    p.grad = tg.Tensor(g0)
    opt = optim.Adam([p], lr=1e-3)
    common = dict(shapes=f"({n:,},)", dtype="float32", device="cpu", work=28 * n, unit="B/s", peak=bandwidth)
    for label, foreach in (("torch Adam foreach=False", False), ("torch Adam default", None)):
        tp = torch.tensor(p0.copy(), requires_grad=True)
        tp.grad = torch.tensor(g0)
        topt = torch.optim.Adam([tp], lr=1e-3, foreach=foreach)
        t, base = paired_medians(opt.step, topt.step, timing)
        yield Record("adam step", engine_s=t, baseline=label, baseline_s=base, **common)


def run(config, log=print):
    """Every CPU case at `config`'s sizes (FULL, QUICK or TINY): (meta, records)."""
    import torch

    import tinygrad_lite as tg
    from tinygrad_lite.backend import allocator, threads as engine_threads

    threads = blas_threads()
    if threads:
        torch.set_num_threads(threads)
    timing = config["timing"]
    started = time.perf_counter()
    flops, bandwidth = measure_peaks(config["peak_size"], timing)
    meta = {**cpu_description(), "numpy": np.__version__, "torch": torch.__version__, "blas_threads": threads,
            "torch_threads": torch.get_num_threads(), "engine_threads": engine_threads.num_threads(),
            "malloc_tuned": allocator.MALLOC_TUNED, "peak_flops": flops, "peak_bandwidth": bandwidth,
            "peak_method": f"fastest numpy float32 matmul {config['peak_size']}^3; "
                           "fastest numpy copy of 64 MiB (read + write)",
            "timing": f"median of {timing.repeats} or more (up to {MAX_REPEATS}, ~{TIME_PER_SIDE} s a side) "
                      f"after {timing.warmup} warm-up, in 5 alternating rounds"}
    log(f"peak: numpy fp32 matmul {config['peak_size']}^3 {flops / 1e9:.1f} GFLOP/s; copy {bandwidth / 1e9:.1f} GB/s")
    cases = [
        lambda: _matmul(torch, tg, config["matmul"], timing, flops),
        lambda: _mlp(torch, tg, config["mlp_batch"], timing, flops),
        lambda: _transformer(torch, tg, config["block"], timing, flops),
        lambda: _attention(torch, tg, config["attention"], timing, flops),
        lambda: _attention_memory(tg, config["attention_lengths"]),
        lambda: _overhead(torch, tg, config["chain"], timing),
        lambda: _adam(torch, tg, config["adam"], timing, bandwidth),
    ]
    records = []
    for case in cases:
        for record in case():
            log(f"  {record.name} [{record.shapes}] vs {record.baseline}: ratio {record.ratio:.2f}")
            records.append(record)
    meta["seconds"] = time.perf_counter() - started
    meta["load_average_at_end"] = os.getloadavg()[0]
    return meta, records


def describe(meta):
    """The lines above the table: the machine, the libraries, the peaks, the method."""
    busy = max(meta["load_average_at_start"], meta["load_average_at_end"]) > meta["cores"]
    return (f"CPU: {meta['cpu']}, {meta['cores']} cores; numpy {meta['numpy']} (BLAS threads "
            f"{meta['blas_threads']}), torch {meta['torch']} (set_num_threads {meta['torch_threads']}); "
            f"engine threads {meta['engine_threads']}, malloc tuned {meta['malloc_tuned']}\n"
            f"peak {meta['peak_flops'] / 1e9:.1f} GFLOP/s, {meta['peak_bandwidth'] / 1e9:.1f} GB/s "
            f"({meta['peak_method']}); {meta['timing']}; suite took {meta['seconds']:.1f} s\n"
            f"1-minute load average {meta['load_average_at_start']:.1f} at the start, "
            f"{meta['load_average_at_end']:.1f} at the end"
            + (" (above the core count: other processes shared the CPU)" if busy else ""))
