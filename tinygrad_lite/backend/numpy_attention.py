"""Scaled dot-product attention on the CPU, one block of queries at a time.

The math, for one head (batch axes broadcast), with L queries and S keys:

    S   = q k^T * scale + bias                  the (L, S) scores
    P   = softmax(S), row by row                out = P v,   lse = log(rowsum(exp(S)))

and backward, from dO = dL/d(out):

    dV = P^T dO          dP = dO V^T          D = rowsum(dO * O)  (= rowsum(P * dP))
    dS = P * (dP - D)                          (the softmax backward)
    dQ = dS K * scale    dK = dS^T Q * scale   d(bias) = dS

Why blocks of queries. Softmax works row by row: row i of P needs row i of S and
nothing else. So a block of query rows, scored against *all* keys, yields finished
rows of P: no running maximum has to be carried from block to block and no partial
result rescaled (flash attention needs that online softmax only because it also
cuts the keys into blocks). The temporaries are then (heads, rows, S) instead of
(L, S): linear in the sequence length, and small enough to stay in cache while the
block is worked on. The forward keeps only out and lse; the backward recomputes each
block of P from lse, so neither pass ever holds an L x S array (d(bias) = dS is
L x S by nature, and is built only when the bias is differentiable).

Four rearrangements keep the passes over a block few:
  * the scale is folded into q (an L x E multiply, not L x S);
  * subtractions of a per-row value are folded into the matrix products by
    appending a column:  S_ij - lse_i = [q_i scale, -lse_i] . [k_j, 1]  and
    dP_ij - D_i = [dO_i, -D_i] . [v_j, 1];  likewise P [v, 1] yields the row sums
    of P in its last column;
  * the forward takes exp(S) without first subtracting each row's max: that shift
    only keeps exp from overflowing, and the row sums show whether it was needed
    (a block that overflowed, or summed too small for full precision, is redone
    with it);
  * every block temporary is written in place (`out=`), into buffers made once.

Causal attention (query i sees keys 0..i, torch's tril(ones(L, S))): a block of
queries r0..r1-1 sees no key past r1 - 1, so those keys are never scored; keys up to
r0 are visible to every row of the block, so only the block's diagonal square needs
the mask.

Short sequences keep the probabilities. When P takes no more memory than q, k and v
together (L S <= L E + S (E + Ev): a self-attention of L <= 3 E), the forward keeps
each block's exp(S) and the rows' 1 / rowsum, and the backward uses them instead of
recomputing S: one matrix product, the mask and the exp fewer per block. Memory stays
linear in the length: past that size nothing is kept. The row normalization rides on
the small operand: with e = exp(S) and r = 1 / rowsum(e),

    dV = P^T dO = e^T (r dO)        dP - D = r ([dO, -D] [v, 1]^T)  is taken as  (r [dO, -D]) [v, 1]^T

so dS = P * (dP - D) = e * ((r [dO, -D]) [v, 1]^T), and P itself is never formed.

Heads are independent, and BLAS splits one head's products (a few million
multiply-adds each) across cores poorly. So the heads are dealt out to the backend's
threads (`threads.run_in_threads`, with BLAS held to one thread meanwhile; numpy
releases the GIL in matmul and in ufuncs), and each core works through its own heads.
"""
import math

import numpy as np

from . import threads

# Target size, in scores, of one block of (heads, rows, keys): big enough that the
# matrix products run near BLAS speed and the Python loop stays short, small enough
# that a block's temporaries stay in cache.
BLOCK_SCORES = 2 ** 18
# Fewest query rows in a block however long the keys: fewer rows make the products
# thin and the per-block accumulation of dK and dV (S x E each) dominate.
MIN_BLOCK_ROWS = 64
# A causal block of rows also scores the masked half of its diagonal square: about
# rows / L of all the work. Blocks of L / 8 rows (at least this many) keep that waste
# small while the products stay large enough to run fast. (Measured in a transformer
# block step at L = 128: 64 rows beat 32, where each product is too small, and 128.)
MIN_CAUSAL_BLOCK_ROWS = 64


# Heads go to threads only when each head is this many scores or more. Below it (a
# transformer block at L = 128, say) the hand-off, and holding BLAS to one thread and
# giving its threads back, cost more than the split saves: measured slower both alone
# and inside a training step, while at L = S = 512 the threads make attention ~1.3x faster.
MIN_SCORES_FOR_THREADS = 2 ** 17


def _workers(L, S):
    return threads.num_threads() if L * S >= MIN_SCORES_FOR_THREADS else 1


def _for_each_group(work, chunks, workers):
    """work(group) for `workers` groups of the head chunks, each group on its own thread."""
    workers = max(1, min(workers, len(chunks)))
    threads.run_in_threads(work, [chunks[i::workers] for i in range(workers)])


def _block_sizes(heads, L, S, causal, workers):
    """(heads per block, query rows per block) for about BLOCK_SCORES scores per block,
    with at least one block of heads per worker."""
    rows = min(L, max(MIN_BLOCK_ROWS, BLOCK_SCORES // S))
    if causal:
        rows = min(rows, max(MIN_CAUSAL_BLOCK_ROWS, L // 8))
    return max(1, min(BLOCK_SCORES // (rows * S), -(-heads // workers))), rows


def _chunks(groups, step):
    return [slice(g0, min(g0 + step, groups)) for g0 in range(0, groups, step)]


def _row_blocks(L, S, step, causal):
    """Yield (query rows, keys they see): causal rows r0..r1-1 see no key past r1 - 1."""
    for r0 in range(0, L, step):
        r1 = min(r0 + step, L)
        yield slice(r0, r1), min(r1, S) if causal else S


class _Gathered:
    """An input shared across batch axes, read as (groups, K, ...) by group: indexing copies
    out only the heads (and rows) asked for, never the input repeated for every head."""

    def __init__(self, x, axes, K, tail):
        self.full, self.axes, self.K = np.broadcast_to(x, axes + tail), axes, K

    def __getitem__(self, key):
        groups, rest = (key, ()) if isinstance(key, slice) else (key[0], key[2:])  # key[1]: all of K
        heads = np.arange(groups.start * self.K, groups.stop * self.K)
        part = self.full[np.unravel_index(heads, self.axes) + rest]
        return part.reshape((groups.stop - groups.start, self.K) + part.shape[1:])


class _Batch:
    """The broadcast batch axes of q, k, v and the bias, as `groups` x `K` heads.

    Every per-head array is seen as (groups, K, rows, cols): K is the last batch axis
    and the groups the others merged, so that q, k, v cut from one fused projection
    (batch and head axes interleaved with the features, which no reshape can merge)
    are read in place, strides and all, rather than copied head by head. The last
    axis is merged into the groups too (K = 1) when one block cannot hold all of it."""

    def __init__(self, q, k, v, bias):
        L, S = q.shape[-2], k.shape[-2]
        shapes = [q.shape[:-2], k.shape[:-2], v.shape[:-2]]
        if bias is not None:
            shapes.append(np.broadcast_shapes(np.shape(bias), (L, S))[:-2])
        self.shape = np.broadcast_shapes(*shapes)
        self.size = math.prod(self.shape)
        self.K, self.groups = 1, self.size

    def split(self, heads_per_block):
        """Use K = the last batch axis when a block of heads_per_block holds all of it;
        returns the groups per block."""
        last = self.shape[-1] if self.shape else 1
        if 0 < last <= heads_per_block:
            self.K, self.groups = last, self.size // last
        return max(1, heads_per_block // self.K)

    def heads(self, x, tail):
        """x, broadcastable to batch + tail, indexable as (groups, K) + tail."""
        if np.shape(x) == self.shape + tail:
            return x.reshape((self.groups, self.K) + tail)  # a view unless the leading axes cannot merge
        return _Gathered(x, self.shape or (1,), self.K, tail)

    def output(self, array, tail):
        """`array` (shape batch + tail) seen as (groups, K) + tail, and a function to call
        when done: a view is written in place; an array no view can show (its batch axes
        do not merge) is worked on in a copy, which the function writes back."""
        view = array.reshape((self.groups, self.K) + tail)
        if np.may_share_memory(view, array):  # a reshape gives a view or a new copy: bounds tell them apart
            return view, lambda: None
        return view, lambda: np.copyto(array, view.reshape(array.shape))


def _scores(q, kt, bias, groups, rows, keys, causal, out):
    """out = q[rows] kt[:keys] + bias, with the future masked for causal rows."""
    np.matmul(q[..., rows, :], kt[..., :keys], out=out)
    if bias is not None:
        out += bias[groups, :, rows, :keys]
    if causal:
        _mask_future(out, rows.start)
    return out


def _mask_future(scores, r0):
    """-inf where query r0 + a would see key r0 + c > r0 + a; keys 0..r0 are seen by every row."""
    rows, keys = scores.shape[-2:]
    if keys > r0:
        np.copyto(scores[..., r0:], -np.inf, where=~np.tri(rows, keys - r0, dtype=bool))


def _accumulate(total, a, b, first):
    """total += a @ b; the first block writes its product straight into total."""
    if first:
        np.matmul(a, b, out=total)
    else:
        total += np.matmul(a, b)


def _transposed(x):
    return np.swapaxes(x, -1, -2)


def keeps_probs(L, S, E, Ev):
    """Whether the forward keeps the probabilities for the backward: when they take no
    more memory than q, k and v (see the module docstring)."""
    return L * S <= L * E + S * (E + Ev)


def attention_forward(q, k, v, bias, scale, causal, keep_probs=False, out=None):
    """(out, lse, kept) of softmax(q k^T * scale + bias) v; see the module docstring.

    q (..., L, E), k (..., S, E), v (..., S, Ev); `bias` None or broadcastable to
    (..., L, S). A row that sees no key (every score -inf, or S = 0) gets out = 0
    and lse = -inf. `kept` is None unless `keep_probs` asks for the probabilities
    for the backward and they take no more memory than the inputs (`keeps_probs`):
    then it is (exp(S), 1 / rowsum), of shapes (groups, K, L, S) and (groups, K, L, 1)
    (see _Batch). Entries of exp(S) past a causal block's last visible key are never
    written. `out`: an array of the output's shape to write it into (any strides).
    """
    L, S, E, Ev = q.shape[-2], k.shape[-2], q.shape[-1], v.shape[-1]
    batch = _Batch(q, k, v, bias)
    out = np.empty(batch.shape + (L, Ev), q.dtype) if out is None else out
    if L == 0 or S == 0:
        out[...] = 0
        return out, np.full(batch.shape + (L,), -np.inf, q.dtype), None
    lse = np.empty(batch.shape + (L,), q.dtype)
    workers = _workers(L, S)
    head_step, row_step = _block_sizes(batch.size, L, S, causal, workers)
    group_step, K = batch.split(head_step), batch.K
    out_, finish_out = batch.output(out, (L, Ev))
    lse_ = lse.reshape(batch.groups, K, L)
    kept = None
    if keep_probs and keeps_probs(L, S, E, Ev):
        kept = np.empty((batch.groups, K, L, S), q.dtype), np.empty((batch.groups, K, L, 1), q.dtype)
    q_, k_, v_ = batch.heads(q, (L, E)), batch.heads(k, (S, E)), batch.heads(v, (S, Ev))
    bias_ = None if bias is None else batch.heads(bias, (L, S))
    # Without the shift by the row max, exp(S) is exact unless it overflows or the row
    # sum falls so low that subnormal terms would lose precision.
    smallest_safe_sum = np.finfo(q.dtype).tiny / np.finfo(q.dtype).eps

    def forward_heads(chunks):
        # k^T scale laid out: a transposed view as the right operand of a stacked matmul
        # runs about 3x slower (measured); the copy costs a fraction of that, and the
        # scale rides along (q is then read where it lies)
        kt_buffer = np.empty((group_step, K, E, S), q.dtype)
        v1 = np.empty((group_step, K, S, Ev + 1), q.dtype)  # [v, 1]: P [v, 1] = [P v, rowsum(P)]
        v1[..., Ev] = 1
        scores_buffer = np.empty((group_step, K, row_step, S), q.dtype)
        pv_buffer = np.empty((group_step, K, row_step, Ev + 1), q.dtype)
        for groups in chunks:
            n = groups.stop - groups.start
            kt = np.multiply(_transposed(k_[groups]), scale, out=kt_buffer[:n])
            v1[:n, ..., :Ev] = v_[groups]
            q_heads = q_[groups]
            for rows, keys in _row_blocks(L, S, row_step, causal):
                m = rows.stop - rows.start
                scores = scores_buffer[:n, :, :m, :keys] if kept is None else kept[0][groups, :, rows, :keys]
                block = (q_heads, kt, bias_, groups, rows, keys, causal, scores)
                with np.errstate(over="ignore", under="ignore", invalid="ignore"):  # checked just below
                    probs = np.exp(_scores(*block), out=block[-1])  # unnormalised: sums come with P v
                    pv = np.matmul(probs, v1[:n, :, :keys], out=pv_buffer[:n, :, :m])
                row_max = 0
                if not (np.isfinite(pv).all() and (pv[..., Ev] >= smallest_safe_sum).all()):
                    # Redo the block with each row shifted by its max so exp cannot overflow;
                    # a row with every score -inf has nothing to shift by and keeps P = 0.
                    scores = _scores(*block)
                    row_max = scores.max(axis=-1, keepdims=True)
                    row_max[row_max == -np.inf] = 0
                    scores -= row_max
                    np.matmul(np.exp(scores, out=scores), v1[:n, :, :keys], out=pv)
                sums = pv[..., Ev:]
                # A row that saw no key has P = 0, so P v = 0 and sum 0: dividing by 1 keeps out = 0.
                np.divide(pv[..., :Ev], np.where(sums > 0, sums, 1), out=out_[groups, :, rows])
                with np.errstate(divide="ignore"):
                    lse_[groups, :, rows] = (row_max + np.log(sums))[..., 0]
                if kept is not None:  # 1 / rowsum of what was kept (shifted or not); 0 where P = 0
                    with np.errstate(divide="ignore"):
                        kept[1][groups, :, rows] = np.where(sums > 0, 1 / sums, 0)

    _for_each_group(forward_heads, _chunks(batch.groups, group_step), workers)
    finish_out()
    return out, lse, kept


def attention_backward(q, k, v, bias, scale, causal, out, lse, grad, bias_grad=False, kept=None, into=None):
    """(dq, dk, dv, dbias) of attention, recomputing each block of P from lse, or from
    `kept`, the probabilities the forward kept (attention_forward's third item).

    dq, dk, dv have the broadcast batch axes (the caller sums them back to the
    inputs' shapes); dbias is dS, the full (..., L, S) score gradient, when
    `bias_grad` is true, else None. Rows whose lse is -inf (they saw no key) have
    P = 0, so all their gradients are 0. `into`: three arrays of those shapes (any
    strides) to write dq, dk, dv into.
    """
    L, S, E, Ev = q.shape[-2], k.shape[-2], q.shape[-1], v.shape[-1]
    batch = _Batch(q, k, v, bias)
    ds = np.zeros(batch.shape + (L, S), q.dtype) if bias_grad else None
    if into is None:
        into = [np.empty(batch.shape + tail, q.dtype) for tail in ((L, E), (S, E), (S, Ev))]
    dq, dk, dv = into
    # Every row of dq is written below, and every key of dk and dv by the first block of
    # rows, except keys that causal queries never see; with no queries or no keys, nothing is.
    if L == 0 or S == 0:
        for d in into:
            d[...] = 0
        return dq, dk, dv, ds
    if causal:
        dk[...] = 0
        dv[...] = 0
    workers = _workers(L, S)
    head_step, row_step = _block_sizes(batch.size, L, S, causal, workers)
    group_step, K = batch.split(head_step), batch.K
    (dq_, finish_dq), (dk_, finish_dk), (dv_, finish_dv) = (
        batch.output(d, tail) for d, tail in ((dq, (L, E)), (dk, (S, E)), (dv, (S, Ev))))
    ds_ = None if ds is None else ds.reshape(batch.groups, K, L, S)
    q_, k_, v_ = batch.heads(q, (L, E)), batch.heads(k, (S, E)), batch.heads(v, (S, Ev))
    grad_, out_ = batch.heads(grad, (L, Ev)), batch.heads(out, (L, Ev))
    lse_ = lse.reshape(batch.groups, K, L)
    bias_ = None if bias is None else batch.heads(bias, (L, S))

    folded_scale = scale if kept is not None and ds_ is None else 1  # see backward_from_kept

    def backward_heads(chunks):
        # S - lse and dP - D, each in one product, with D = rowsum(dO * O):
        #   [q scale, -lse] [k, 1]^T = S - lse      [dO, -D] [v, 1]^T = dP - D
        q_lse = np.empty((group_step, K, L, E + 1), q.dtype)
        kt1 = np.empty((group_step, K, E + 1, S), q.dtype)
        kt1[..., E, :] = 1
        grad_delta = np.empty((group_step, K, L, Ev + 1), q.dtype)
        vt1 = np.empty((group_step, K, Ev + 1, S), q.dtype)
        vt1[..., Ev, :] = 1
        probs_buffer = np.empty((group_step, K, row_step, S), q.dtype)
        ds_buffer = np.empty((group_step, K, row_step, S), q.dtype)
        for groups in chunks:
            n = groups.stop - groups.start
            np.multiply(q_[groups], scale, out=q_lse[:n, ..., :E])
            # A row that saw no key has lse = -inf because all its scores are -inf;
            # shifting it by 0 instead leaves them -inf, so its P is 0.
            q_lse[:n, ..., E] = np.where(np.isfinite(lse_[groups]), -lse_[groups], 0)
            kt1[:n, :, :E] = _transposed(k_[groups])
            grad_heads = grad_[groups]
            grad_delta[:n, ..., :Ev] = grad_heads
            grad_delta[:n, ..., Ev] = -np.einsum("...le,...le->...l", grad_heads, out_[groups])
            vt1[:n, :, :Ev] = _transposed(v_[groups])
            qs, g, k_heads = q_lse[:n, ..., :E], grad_delta[:n, ..., :Ev], k_[groups]  # k: not kt1's transposed view
            for rows, keys in _row_blocks(L, S, row_step, causal):
                m, first = rows.stop - rows.start, rows.start == 0
                probs = probs_buffer[:n, :, :m, :keys]
                np.exp(_scores(q_lse[:n], kt1[:n], bias_, groups, rows, keys, causal, probs), out=probs)
                _accumulate(dv_[groups, :, :keys], _transposed(probs), g[..., rows, :], first)
                dscores = np.matmul(grad_delta[:n, :, rows], vt1[:n, ..., :keys], out=ds_buffer[:n, :, :m, :keys])
                dscores *= probs
                if ds_ is not None:
                    ds_[groups, :, rows, :keys] = dscores
                np.matmul(dscores, k_heads[..., :keys, :], out=dq_[groups, :, rows])
                _accumulate(dk_[groups, :, :keys], _transposed(dscores), qs[..., rows, :], first)

    def backward_from_kept(chunks):
        # The same blocks from the kept e = exp(S) and r = 1 / rowsum (see the module
        # docstring): no scores to recompute. Unless d(bias) = dS itself is wanted, the
        # scale rides in scale [v, 1]^T, so the products give dS * scale, ready for dq and dk.
        exp_scores, row_scale = kept
        grad_delta = np.empty((group_step, K, L, Ev + 1), q.dtype)  # r [dO, -D]
        vt1 = np.empty((group_step, K, Ev + 1, S), q.dtype)
        vt1[..., Ev, :] = folded_scale
        ds_buffer = np.empty((group_step, K, row_step, S), q.dtype)
        for groups in chunks:
            n = groups.stop - groups.start
            grad_heads = grad_[groups]
            grad_delta[:n, ..., :Ev] = grad_heads
            grad_delta[:n, ..., Ev] = -np.einsum("...le,...le->...l", grad_heads, out_[groups])
            grad_delta[:n] *= row_scale[groups]
            np.multiply(_transposed(v_[groups]), folded_scale, out=vt1[:n, :, :Ev])
            q_heads, k_heads, g = q_[groups], k_[groups], grad_delta[:n, ..., :Ev]
            for rows, keys in _row_blocks(L, S, row_step, causal):
                m, first = rows.stop - rows.start, rows.start == 0
                probs = exp_scores[groups, :, rows, :keys]  # unnormalized: r rides in grad_delta
                _accumulate(dv_[groups, :, :keys], _transposed(probs), g[..., rows, :], first)
                dscores = np.matmul(grad_delta[:n, :, rows], vt1[:n, ..., :keys], out=ds_buffer[:n, :, :m, :keys])
                dscores *= probs  # dS * folded_scale
                if ds_ is not None:
                    ds_[groups, :, rows, :keys] = dscores
                np.matmul(dscores, k_heads[..., :keys, :], out=dq_[groups, :, rows])
                _accumulate(dk_[groups, :, :keys], _transposed(dscores), q_heads[..., rows, :], first)

    _for_each_group(backward_heads if kept is None else backward_from_kept, _chunks(batch.groups, group_step),
                    workers)
    if folded_scale != scale:
        dq_ *= scale
        if kept is not None:
            dk_ *= scale
    for finish in (finish_dq, finish_dk, finish_dv):
        finish()
    return dq, dk, dv, ds
