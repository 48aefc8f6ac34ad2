"""Small stand-ins for MNIST and Fashion-MNIST, written in their real file format (IDX).

torchvision.datasets.MNIST and FashionMNIST read these files with their real loading code, so
the snippets run unchanged in the tests without the network and without the real datasets. The
images are rendered glyphs (digits for MNIST, ten letters standing in for the garments),
shifted, thickened and noised at random: learnable, but not trivially."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np


def glyphs(chars: str = "0123456789") -> np.ndarray:
    """Ten characters drawn by matplotlib's default font: (10, 28, 28) in [0, 1]."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    out = []
    for char in chars:
        fig = Figure(figsize=(1, 1), dpi=28)
        canvas = FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, char, fontsize=50, ha="center", va="center")
        canvas.draw()
        out.append(1 - np.asarray(canvas.buffer_rgba())[..., 0] / 255)
    return np.stack(out)


def images(labels: np.ndarray, rng: np.random.Generator, chars: str) -> np.ndarray:
    base = glyphs(chars)
    imgs = np.empty((len(labels), 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):
        img = base[label]
        if rng.random() < 0.5:  # a thicker stroke
            img = np.maximum(img, np.roll(img, 1, axis=1))
        img = np.roll(img, rng.integers(-3, 4, size=2), axis=(0, 1))  # move it around
        img = np.clip(img * rng.uniform(0.6, 1.0) + rng.normal(0, 0.1, img.shape), 0, 1)
        imgs[i] = (img * 255).astype(np.uint8)
    return imgs


def write_idx(path: Path, array: np.ndarray) -> None:
    """IDX: magic (0, 0, type 0x08 = uint8, number of dimensions), sizes, raw bytes."""
    header = struct.pack(">I", 0x0800 + array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.tobytes())


DATASETS = {"MNIST": "0123456789", "FashionMNIST": "TLPDCSHKBA"}  # folder: glyphs


def write_fake_mnist(root: Path, n_train: int = 3000, n_test: int = 2000) -> Path:
    """Write root/<dataset>/raw/ with the four files torchvision looks for, for MNIST
    and Fashion-MNIST; returns root."""
    for folder, chars in DATASETS.items():
        raw = root / folder / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        for prefix, n in [("train", n_train), ("t10k", n_test)]:
            labels = rng.integers(0, 10, n).astype(np.uint8)
            write_idx(raw / f"{prefix}-images-idx3-ubyte", images(labels, rng, chars))
            write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels)
    return root
