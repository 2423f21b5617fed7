"""What is being imported: a file, a ZIP, a folder of UI-export files, or content sent inline."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tools.ingest.problems import FileRejected

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Upload:
    name: str
    path: Path | None = None
    data: bytes | None = None

    @classmethod
    def from_path(cls, path: str | Path) -> Upload:
        p = Path(path).expanduser()
        if not p.exists():
            raise FileRejected(f"{p} does not exist", code="file_not_found")
        if p.is_file() and not _readable(p):
            raise FileRejected(f"{p} cannot be read", code="file_not_found")
        return cls(p.name, path=p)

    @classmethod
    def inline(cls, name: str, data: bytes) -> Upload:
        return cls(name or "upload", data=data)

    @property
    def is_folder(self) -> bool:
        return self.path is not None and self.path.is_dir()

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return sum(f.stat().st_size for f in self._files()) if self.is_folder else self.path.stat().st_size

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        if self.is_folder:
            raise FileRejected(f"{self.name} is a folder; only a Search Console UI export may be a folder",
                               code="bad_header")
        return self.path.open("rb")

    def head(self, n: int = 8) -> bytes:
        if self.is_folder:
            return b""
        with self.open() as f:
            return f.read(n)

    def is_zip(self) -> bool:
        return self.head(4) == ZIP_MAGIC

    def _files(self) -> list[Path]:
        assert self.path is not None
        return sorted(f for f in self.path.iterdir() if f.is_file() and f.suffix.lower() == ".csv")

    def members(self) -> list[tuple[str, bytes]]:
        """The CSV files of a ZIP or folder, or this one file."""
        if self.is_folder:
            files = self._files()
            if not files:
                raise FileRejected(f"{self.name} holds no .csv files", code="empty_file")
            return [(f.name, f.read_bytes()) for f in files]
        if self.is_zip():
            try:
                with self.open() as f, zipfile.ZipFile(f) as z:
                    return [(Path(i.filename).name, z.read(i)) for i in z.infolist()
                            if not i.is_dir() and i.filename.lower().endswith(".csv")]
            except zipfile.BadZipFile as exc:
                raise FileRejected(f"{self.name} is not a readable ZIP ({exc})", code="bad_zip") from None
        with self.open() as f:
            return [(self.name, f.read())]

    def sha256(self, *extra: str) -> str:
        """The content's digest (with the options that change its meaning)."""
        h = hashlib.sha256()
        if self.is_folder:
            for name, data in self.members():
                h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        else:
            with self.open() as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        for e in extra:
            h.update(b"\0" + e.encode())
        return h.hexdigest()


def _readable(p: Path) -> bool:
    try:
        with p.open("rb"):
            return True
    except OSError:
        return False
