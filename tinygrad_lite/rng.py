"""The engine's random number generators: one seeded default stream for randn, rand, init, dropout and
every sampling function, and tg.Generator for a private stream (torch's `generator=` keyword).

Each Generator wraps a numpy Generator (PCG64). The streams are not torch's: a seed makes the engine
reproducible with itself, never equal to torch's numbers for the same seed.
"""
import secrets

import numpy as np

from ._device import device as _device


def _check_seed(seed, op):
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"{op}: the seed must be an integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"{op}: the seed must not be negative, got {seed}")
    return int(seed)


class Generator:
    """Generator(device="cpu"): a random stream of its own, as torch.Generator.

    Pass it as `generator=` to tg.rand, tg.randint, x.normal_, ... to draw from it instead of the
    default stream. Draws are made on the host whatever the device, so a Generator serves every device."""

    def __init__(self, device="cpu"):
        try:
            self._device = _device(device)
        except (TypeError, ValueError) as e:
            raise type(e)(f"Generator: {e}") from None
        self.seed()

    def manual_seed(self, seed):
        """Restart this stream from `seed` (a non-negative integer); returns the generator, as torch's."""
        seed = _check_seed(seed, "Generator.manual_seed")
        self._numpy = np.random.default_rng(seed)
        self._initial_seed = seed
        return self

    def seed(self):
        """Restart this stream from a fresh seed taken from the operating system's entropy; returns that seed."""
        self.manual_seed(secrets.randbits(63))
        return self._initial_seed

    def initial_seed(self):
        """The seed this stream was last started from."""
        return self._initial_seed

    def get_state(self):
        """The stream's state as a uint8 tensor (PCG64's 128-bit state and increment, then its buffered 32 bits),
        for set_state; torch's get_state likewise returns bytes, of its own generator."""
        from ._tensor import Tensor  # here: _tensor imports this module
        state = self._numpy.bit_generator.state
        raw = (state["state"]["state"].to_bytes(16, "little") + state["state"]["inc"].to_bytes(16, "little")
               + bytes([state["has_uint32"]]) + state["uinteger"].to_bytes(4, "little"))
        return Tensor(np.frombuffer(raw, np.uint8).copy())

    def set_state(self, new_state):
        """Put the stream back where get_state found it; returns the generator."""
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor) or new_state.dtype != np.uint8 or new_state.shape != (_STATE_BYTES,):
            raise TypeError(f"Generator.set_state: new_state must be the uint8 tensor of {_STATE_BYTES} bytes that "
                            f"get_state returns, not {_describe(new_state)}")
        raw = new_state.numpy().tobytes()
        if raw[32] > 1:
            raise ValueError("Generator.set_state: new_state is not a state that get_state returned "
                             "(byte 32 must be 0 or 1)")
        numpy = np.random.Generator(np.random.PCG64())
        numpy.bit_generator.state = {
            "bit_generator": "PCG64", "has_uint32": raw[32], "uinteger": int.from_bytes(raw[33:], "little"),
            "state": {"state": int.from_bytes(raw[:16], "little"), "inc": int.from_bytes(raw[16:32], "little")}}
        self._numpy = numpy
        return self

    @property
    def device(self):
        """The device named when the generator was made."""
        return self._device


_STATE_BYTES = 37


def _describe(value):
    from ._tensor import Tensor
    if isinstance(value, Tensor):
        return f"a {value.dtype} tensor of shape {value.shape}"
    return type(value).__name__


default_generator = Generator()


def manual_seed(seed):
    """Restart the default random stream from `seed`, making everything random reproducible.

    Returns the default generator, as torch.manual_seed does."""
    _check_seed(seed, "manual_seed")
    return default_generator.manual_seed(seed)


def generator():
    """The numpy Generator behind the default stream (the one manual_seed restarts)."""
    return default_generator._numpy


def _numpy_generator(gen, op):
    """The numpy Generator to draw from for `op`: `gen`'s when a tg.Generator is given, else the default's."""
    if gen is None:
        return default_generator._numpy
    if not isinstance(gen, Generator):
        raise TypeError(f"{op}: generator must be a tg.Generator or None, not {type(gen).__name__}")
    return gen._numpy


def seed():
    """Restart the default stream from a fresh seed (from the operating system's entropy); returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The seed the default stream was last started from."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default stream's state as a uint8 tensor (see Generator.get_state)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Put the default stream back where get_rng_state found it."""
    try:
        default_generator.set_state(new_state)
    except (TypeError, ValueError) as e:
        raise type(e)(str(e).replace("Generator.set_state", "set_rng_state")) from None
