#!/usr/bin/env python3
"""Writes examples/splits/{train,val,test}.csv (deterministic, standard library only).

Constructed split manifests shaped like seed 001's battery-CT split (by battery): battery b05 is in
train and in test (a group leak), axis `x` is always `normal` (a metadata shortcut) and absent from
train (a condition mismatch).
"""
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ["normal", "crack", "dent", "resin", "void"]


def write(name, batteries, rows=30, with_x=True):
    with open(HERE / name, "w") as f:
        f.write("id,label,battery_id,axis\n")
        for b in batteries:
            for k in range(rows):
                axis = random.choice(["x", "y", "z"] if with_x else ["y", "z"])
                label = "normal" if axis == "x" else random.choice(CLASSES)
                f.write(f"{name[:-4]}-b{b:02d}-{k},{label},b{b:02d},{axis}\n")


if __name__ == "__main__":
    random.seed(2026)
    write("train.csv", range(0, 24), with_x=False)
    write("val.csv", range(24, 28))
    write("test.csv", list(range(28, 34)) + [5])
