"""User ids as one UTF-8 buffer plus offsets: cheap to share with forked workers, no per-user Python objects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass
class UserColumn:
    """User ids as one UTF-8 buffer plus offsets: cheap to share with forked workers, no per-user objects."""

    data: bytes
    offsets: np.ndarray  # int64, N + 1

    @classmethod
    def from_arrow(cls, ids: pa.Array) -> UserColumn:
        ids = ids.cast(pa.large_string()) if ids.type != pa.large_string() else ids
        ids = pa.concat_arrays([ids])  # drop any slice offset
        _, offsets, data = ids.buffers()
        offs = np.frombuffer(offsets, dtype=np.int64, count=len(ids) + 1)
        return cls(data.to_pybytes() if data is not None else b"", offs - offs[0])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def slice(self, start: int, stop: int) -> UserColumn:
        """Users [start, stop) as their own column."""
        offsets = self.offsets[start : stop + 1]
        return UserColumn(self.data[int(offsets[0]) : int(offsets[-1])], offsets - offsets[0])

    def get(self, index: int) -> str:
        return self.data[self.offsets[index] : self.offsets[index + 1]].decode("utf-8")
