"""`to_dict()` is the CLI's JSON document: the same data written to a file and given to the real
`verdict` binary (with its column flags set to the API's argument names, so even the column
names agree) gives the same document, key for key, number for number, with intervals. Only
`source` differs (the CLI names the file; the API says `<arrays>` or the model's name)."""

from __future__ import annotations

import html.parser
from pathlib import Path

import numpy as np
import pandas as pd

import verdict
from conftest import REPO, run_cli

# The API's names for the roles of a predictions file.
NAMES = ["--label-col", "y_true", "--score-col", "y_score", "--pred-col", "y_pred", "--id-col", "ids",
         "--group-col", "groups", "--prob-prefix", "y_prob:"]


def without_source(d: dict) -> dict:
    d = dict(d)
    d.pop("source", None)
    if "models" in d:
        d["models"] = [{k: v for k, v in m.items() if k != "source"} for m in d["models"]]
    return d


def strip_sources(doc):
    """Every `source` / `val_source` left out (file paths in the CLI's, names in the API's) but
    the combination's own (`soft voting`)."""
    if isinstance(doc, dict):
        return {k: strip_sources(v) for k, v in doc.items()
                if k not in ("source", "val_source") or v == "soft voting"}
    if isinstance(doc, list):
        return [strip_sources(v) for v in doc]
    return doc


def write(tmp: Path, name: str, columns: dict) -> Path:
    path = tmp / f"{name}.csv"
    # repr-exact floats: pandas writes the shortest round-trip text of every float64.
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def test_eval_binary_with_groups_equals_the_cli(tmp_path, rng):
    n = 400
    y = rng.integers(0, 2, n)
    s = np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1)
    groups = rng.integers(0, 50, n)
    ids = np.array([f"s{i:04d}" for i in range(n)])
    ev = verdict.evaluate(y, s, groups=groups, ids=ids, bootstrap=300, seed=7, threshold=0.4)
    f = write(tmp_path, "binary", {"ids": ids, "y_true": y, "y_score": s, "groups": groups})
    cli = run_cli("eval", str(f), *NAMES, "--bootstrap", "300", "--seed", "7", "--threshold", "0.4")
    assert cli["source"] == str(f) and ev.to_dict()["source"] == "<arrays>"
    assert without_source(ev.to_dict()) == without_source(cli)
    # The JSON text itself is the CLI's (the same serialiser), but for the source line.
    assert ev.to_json().replace('"<arrays>"', f'"{f}"') == (
        __import__("subprocess").run(
            [str(__import__("conftest").verdict_bin()), "eval", str(f), *NAMES, "--bootstrap", "300",
             "--seed", "7", "--threshold", "0.4", "--format", "json"],
            capture_output=True, text=True, check=True,
        ).stdout
    )


def test_eval_multiclass_equals_the_cli(tmp_path, rng):
    n = 300
    y = np.array(["cat", "dog", "owl"])[rng.integers(0, 3, n)]
    p = rng.dirichlet(np.ones(3), size=n)
    ev = verdict.evaluate(y, y_prob=p, classes=["cat", "dog", "owl"], bootstrap=200,
                          group_classes={"pet": ["cat", "dog"]})
    cols = {"y_true": y, **{f"y_prob:{c}": p[:, j] for j, c in enumerate(["cat", "dog", "owl"])}}
    f = write(tmp_path, "multi", cols)
    cli = run_cli("eval", str(f), *NAMES, "--bootstrap", "200", "--group-classes", "pet=cat,dog")
    assert without_source(ev.to_dict()) == without_source(cli)


def test_compare_equals_the_cli(tmp_path, rng):
    n = 250
    y = rng.integers(0, 2, n)
    a = np.clip(0.25 * y + 0.75 * rng.random(n), 0, 1)
    b = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
    ids = np.arange(n)
    cmp = verdict.compare(y, {"base": a, "tuned": b}, ids=ids, bootstrap=300, permutations=500)
    fa = write(tmp_path, "base", {"ids": ids, "y_true": y, "y_score": a})
    fb = write(tmp_path, "tuned", {"ids": ids, "y_true": y, "y_score": b})
    cli = run_cli("compare", str(fa), str(fb), *NAMES, "--bootstrap", "300", "--permutation", "500")
    assert without_source(cmp.to_dict()) == without_source(cli)
    assert cmp.verdict == cli["comparisons"][0]["verdict"]
    assert "no significant difference" in cmp.verdict or "significantly" in cmp.verdict
    assert [r["model"] for r in cmp.leaderboard] == [r["model"] for r in cli["leaderboard"]]


def test_retrieval_equals_the_cli(tmp_path, rng):
    emb = rng.normal(size=(120, 6)).astype(np.float32)
    labels = rng.integers(0, 5, 120)
    np.save(tmp_path / "emb.npy", emb)
    pd.DataFrame({"label": labels}).to_csv(tmp_path / "labels.csv", index=False)
    r = verdict.retrieval(emb, labels, k=(1, 5), bootstrap=100)
    cli = run_cli("retrieval", "--query", str(tmp_path / "emb.npy"), "--query-labels",
                  str(tmp_path / "labels.csv"), "--k", "1,5", "--bootstrap", "100")
    assert r.to_dict() == cli


def test_ensemble_equals_the_cli():
    """Seed 004's four sentiment models, the weights of its report, against `verdict ensemble`."""
    d = REPO / "examples/ensemble/seed004/test"
    files = sorted(d.glob("*.csv"))
    frames = {f.stem: pd.read_csv(f).sort_values("id", kind="stable").reset_index(drop=True) for f in files}
    first = next(iter(frames.values()))
    members = {}
    for name, df in frames.items():
        prob = [c for c in df.columns if c.startswith("prob_")]
        members[name] = {"y_prob": df[prob].rename(columns=lambda c: c[len("prob_"):])} if prob else df["score"]
    weights = {"bert": 0.30, "bilstm": 0.30, "lstm": 0.25, "lexicon": 0.15}
    ens = verdict.ensemble(first["label"], members, ids=first["id"], weights=[weights], bootstrap=200)
    w = ",".join(f"{k}={v}" for k, v in weights.items())
    cli = run_cli("ensemble", *map(str, files), "--weights", w, "--bootstrap", "200")
    assert strip_sources(ens.to_dict()) == strip_sources(cli)
    assert ens.verdict == cli["verdict"] and ens.weightings[0]["weights"]["bert"] == 0.30
    assert "bert" in repr(ens)


def members_of(d):
    files = sorted(d.glob("*.csv"))
    frames = {f.stem: pd.read_csv(f).sort_values("id", kind="stable").reset_index(drop=True) for f in files}
    first = next(iter(frames.values()))
    return files, first, {n: df["score"] for n, df in frames.items()}


def test_learned_weights_equal_the_cli():
    """Caruana's selection learned on the validation predictions, with the weights' stability."""
    test_files, test, members = members_of(REPO / "examples/ensemble/seed004/test")
    val_files, val, val_members = members_of(REPO / "examples/ensemble/seed004/val")
    ens = verdict.ensemble(test["label"], members, ids=test["id"], val=(val["label"], val_members),
                           optimize="caruana", bootstrap=100, weight_resamples=20)
    cli = run_cli("ensemble", *map(str, test_files), "--val", *map(str, val_files), "--optimize", "caruana",
                  "--bootstrap", "100", "--weight-resamples", "20")
    assert strip_sources(ens.to_dict()) == strip_sources(cli)
    assert ens.weightings[0]["learned"] is not None


class _Checker(html.parser.HTMLParser):
    """Well-formed HTML: every opened element closed, in order (void elements aside)."""

    VOID = {"br", "img", "meta", "link", "hr", "input", "col", "area", "base", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.seen.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def check_html(text: str) -> set[str]:
    c = _Checker()
    c.feed(text)
    c.close()
    assert not c.errors and not c.stack, (c.errors[:5], c.stack)
    return c.seen


def test_repr_html_is_valid_html_with_intervals_and_findings(rng):
    y = rng.integers(0, 2, 60)
    s = np.clip(0.3 * y + 0.7 * rng.random(60), 0, 1)
    ev = verdict.evaluate(y, s, bootstrap=200)
    fragment = ev._repr_html_()
    tags = check_html(fragment)
    assert fragment.startswith('<div class="verdict">') and {"table", "h2"} <= tags
    assert "<html" not in fragment  # a fragment for a notebook cell, not a page
    ci = ev.metrics["accuracy"]
    assert f"{ci.ci_low:.4f}" in fragment and f"{ci.ci_high:.4f}" in fragment
    assert "small_eval_set" in {f["code"] for f in ev.findings}
    assert "The eval set is small" in fragment
    for result in (
        verdict.compare(y, {"a": s, "b": 1 - s}, bootstrap=50),
        verdict.retrieval(rng.normal(size=(40, 4)), rng.integers(0, 3, 40), bootstrap=0),
    ):
        check_html(result._repr_html_())
    page = ev.to_html("ko")
    check_html(page)
    assert page.startswith("<!DOCTYPE html>") and 'lang="ko"' in page
