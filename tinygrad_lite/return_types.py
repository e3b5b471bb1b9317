"""Named results of the ops that return several tensors, as torch.return_types.

Each is a named tuple: it unpacks (`values, indices = x.max(1)`), indexes (`r[0]`) and
names its fields (`r.values`, `r.indices`) as torch's does.
"""
from collections import namedtuple


def _result(name, fields, doc):
    """A named tuple class `name` with `fields`, printed as torch prints its return types."""
    cls = namedtuple(name, fields, module=__name__)
    cls.__doc__ = doc
    cls.__repr__ = lambda self: (f"tinygrad_lite.return_types.{name}(\n"
                                 + ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self)) + ")")
    return cls


max = _result("max", ("values", "indices"),  # noqa: A001  (torch.return_types.max, by name)
              "x.max(dim): the largest values along dim and their positions (int64; the first on ties).")
min = _result("min", ("values", "indices"),  # noqa: A001  (torch.return_types.min, by name)
              "x.min(dim): the smallest values along dim and their positions (int64; the first on ties).")
aminmax = _result("aminmax", ("min", "max"),
                  "x.aminmax(dim=d): the smallest and the largest values along d (every axis when d is None).")
slogdet = _result("slogdet", ("sign", "logabsdet"),
                  "tg.linalg.slogdet(A): det A = sign * exp(logabsdet), for each square matrix of A.")
linalg_eigh = _result("linalg_eigh", ("eigenvalues", "eigenvectors"),
                      "tg.linalg.eigh(A): the eigenvalues (ascending) and eigenvectors (columns) of symmetric A.")
linalg_svd = _result("linalg_svd", ("U", "S", "Vh"),
                     "tg.linalg.svd(A): A = U diag(S) Vh, the singular values S descending.")
linalg_qr = _result("linalg_qr", ("Q", "R"), "tg.linalg.qr(A): A = Q R, Q with orthonormal columns, R upper triangular.")
linalg_lstsq = _result("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"),
                       "tg.linalg.lstsq(A, B): the least-squares solution of A X = B and what the driver reports.")
svd = _result("svd", ("U", "S", "V"), "tg.svd(A) (torch's older form): A = U diag(S) V^T.")

# The cumulative and sorting ops (tinygrad_lite/_tensor_scan.py): values and their int64 positions.
_SCAN = {
    "sort": "x.sort(dim): x sorted along dim and the position each value came from.",
    "topk": "x.topk(k, dim): the k largest (or smallest) values along dim and their positions.",
    "kthvalue": "x.kthvalue(k, dim): the k-th smallest value along dim and its position.",
    "median": "x.median(dim): the lower median along dim and its position.",
    "nanmedian": "x.nanmedian(dim): the lower median of the numbers along dim and its position.",
    "mode": "x.mode(dim): the most frequent value along dim and the last position holding it.",
    "cummax": "x.cummax(dim): the running maximum along dim and the last position holding it.",
    "cummin": "x.cummin(dim): the running minimum along dim and the last position holding it.",
}
for _name, _doc in _SCAN.items():
    globals()[_name] = _result(_name, ("values", "indices"), _doc)
del _name, _doc
histogram = _result("histogram", ("hist", "bin_edges"),
                    "x.histogram(bins): the count (or weight) in each bin and the bins' edges.")

__all__ = ["max", "min", "aminmax", "slogdet", "linalg_eigh", "linalg_svd", "linalg_qr", "linalg_lstsq", "svd", *_SCAN,
           "histogram"]
