"""Writes seed003_history.csv: seed 003's fine-tuning curve, extended to epoch 15 with a fall.

Seed 003 reports two epochs only (epoch 1: Val R@1 79.59%, avg triplets 145.2; epoch 10: 86.73%,
47.1) and says the validation loss holds near 0.11. Epochs 2-9 are filled in on a saturating curve
between those two points; epochs 11-15 are made up to exercise its three stop rules: R@1 peaks at
epoch 11 and then falls (two falls in a row at epoch 13), the validation loss creeps above 0.12 at
epoch 14, and the triplet count stops changing after epoch 11. Values are rounded to 4 decimals
(R@1, loss) and 1 decimal (triplets). Standard library only:

    python3 examples/rules/make_history.py > examples/rules/seed003_history.csv
"""
import math

def saturating(a, b, e):
    t = (1 - math.exp(-(e - 1) / 3)) / (1 - math.exp(-3))
    return a + (b - a) * t

rows = []
for e in range(1, 11):
    rows.append((e, saturating(0.1180, 0.1100, e), saturating(145.2, 47.1, e), saturating(0.7959, 0.8673, e)))
tail = [
    (11, 0.1110, 41.3, 0.8701),
    (12, 0.1140, 40.9, 0.8688),
    (13, 0.1170, 40.9, 0.8652),
    (14, 0.1210, 40.9, 0.8630),
    (15, 0.1250, 40.9, 0.8597),
]
rows.extend(tail)
print("epoch,val_loss,avg_triplets,val_r1")
for e, loss, trip, r1 in rows:
    print(f"{e},{loss:.4f},{trip:.1f},{r1:.4f}")
