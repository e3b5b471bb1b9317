"""tg.device: a device name with torch's `.type` and `.index`.

A device is a `str` ("cpu", "interp", "cuda:0"), so it goes wherever a device name
goes and compares equal to it (and to `x.device`, which is a plain name). The engine
holds one device of each type, so an index, when given, must be 0.
"""

TYPES = ("cpu", "interp", "cuda")


class device(str):  # noqa: N801  (torch's name)
    """device("cuda:0"), device("cuda", 0), device("cpu"), device(other_device).

    type: "cpu", "interp" or "cuda"; index: the int after the colon, or None."""

    __slots__ = ()

    def __new__(cls, type, index=None):  # noqa: A002  (torch's argument name)
        if isinstance(type, device) and index is None:
            return type
        if not isinstance(type, str):
            raise TypeError(f"device: expected a device name such as 'cpu' or 'cuda:0', not {type!r}")
        kind, sep, number = type.partition(":")
        if sep:
            if index is not None:
                raise ValueError(f"device: {type!r} already has an index; do not pass index={index!r} too")
            if not number.isdigit() or not number.isascii():
                raise ValueError(f"device: invalid device string {type!r}: the index must be a non-negative integer")
            index = int(number)
        if kind not in TYPES:
            raise ValueError(f"device: unknown device type {kind!r} in {type!r}: choose one of {', '.join(TYPES)}")
        if index is not None:
            if not isinstance(index, int) or isinstance(index, bool):
                raise TypeError(f"device: index must be an int, not {index!r}")
            if index < 0:
                raise ValueError(f"device: index must not be negative, got {index}")
            if index != 0:
                raise ValueError(f"device: {kind}:{index} does not exist: the engine uses one {kind} device, index 0")
        return super().__new__(cls, kind if index is None else f"{kind}:{index}")

    @property
    def type(self):
        """The kind of device: "cpu", "interp" or "cuda"."""
        return str.__str__(self).partition(":")[0]

    @property
    def index(self):
        """The device's number when one was given ("cuda:0" -> 0), else None."""
        number = str.__str__(self).partition(":")[2]
        return int(number) if number else None

    def __repr__(self):
        return f"device(type={self.type!r})" if self.index is None else \
            f"device(type={self.type!r}, index={self.index})"

    def __reduce__(self):
        return (device, (str(self),))
