"""Trained-model storage: npz + JSON card, never pickle."""

from __future__ import annotations

import numpy as np
import pytest

from stancekit.errors import ResourceError
from stancekit.models import LinearModel, load_model_files, save_model_files


def test_save_and_load_round_trip(tmp_path):
    save_model_files(
        "toy",
        {"coef": np.ones((1, 3)), "intercept": np.zeros(1), "classes": np.array(["no", "yes"])},
        {"rebuild": "python scripts/x.py"},
        tmp_path,
    )
    files = load_model_files("toy", str(tmp_path))
    model = LinearModel.from_files(files)
    p = model.predict_proba(np.array([[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]))
    assert p.shape == (2, 2) and p[0, 1] > 0.9 and p[1, 1] < 0.1
    assert model.predict(np.array([[1.0, 1.0, 1.0]])) == ["yes"]


def test_missing_model_says_how_to_rebuild(tmp_path):
    with pytest.raises(ResourceError, match="Rebuild it"):
        load_model_files("absent", str(tmp_path))


def test_pickled_npz_is_refused(tmp_path):
    np.savez(tmp_path / "evil.npz", payload=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ResourceError, match="corrupt or unsafe"):
        load_model_files("evil", str(tmp_path))


def test_corrupt_npz(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    (tmp_path / "bad.json").write_text('{"rebuild": "python scripts/train_bad.py"}')
    with pytest.raises(ResourceError, match=r"train_bad\.py"):
        load_model_files("bad", str(tmp_path))
