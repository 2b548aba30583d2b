"""The real data every workload runs on: scikit-learn's handwritten digits.

1,797 8x8 images with pixel values 0..16 (UCI optdigits, as scikit-learn ships it), split
once into a training and a test set (stratified by label, seed 0, 360 test images) and
stored in traces/data/digits.npz, so nothing at run time needs scikit-learn or a network:

    images  uint8 [1797, 8, 8]  pixel values 0..16
    labels  uint8 [1797]        the digit 0..9
    test    bool  [1797]        True for the 360 images of the test split

`python -m zskip.traces.digits` rewrites the file from scikit-learn's copy.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
DIGITS_PATH = DATA_DIR / "digits.npz"
TEST_SIZE = 360
SEED = 0


@dataclass(frozen=True)
class Digits:
    images: np.ndarray   # uint8 [n, 8, 8], 0..16
    labels: np.ndarray   # uint8 [n]

    def __len__(self) -> int:
        return len(self.labels)


def load_digits(split: str = "test") -> Digits:
    """The `train` or `test` split (or `all`), in the stored order."""
    with np.load(DIGITS_PATH) as data:
        images, labels, test = data["images"], data["labels"], data["test"]
    keep = {"test": test, "train": ~test, "all": np.ones_like(test)}.get(split)
    if keep is None:
        raise ValueError(f"split must be train, test or all, not {split!r}")
    return Digits(images[keep], labels[keep])


def export_digits(path: Path = DIGITS_PATH) -> None:
    """Write digits.npz from scikit-learn's copy of the data set (regeneration only)."""
    from sklearn.datasets import load_digits as sk_digits
    from sklearn.model_selection import train_test_split

    data = sk_digits()
    index = np.arange(len(data.target))
    _, test_index = train_test_split(index, test_size=TEST_SIZE, random_state=SEED,
                                     stratify=data.target)
    test = np.zeros(len(index), dtype=bool)
    test[test_index] = True
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, images=data.images.astype(np.uint8),
                        labels=data.target.astype(np.uint8), test=test)


if __name__ == "__main__":
    export_digits()
