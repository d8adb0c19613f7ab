#!/usr/bin/env python3
"""Summary of scripts/experiment-learning-signal.sh: one row per run, the pre-registered decision rule of docs/eval.md.

Usage: learning-signal-summary.py WORKDIR RUN...   (RUN = A1-s0 ...). Writes WORKDIR/results.md and results.json.
Standard library only.
"""
import csv
import json
import math
import os
import re
import sys

work, runs = sys.argv[1], sys.argv[2:]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def result(report, scope, k):
    if report is None:
        return None
    for r in report.get("results") or []:
        if r["scope"] == scope and r["k"] == k:
            return r
    return None


def gap(corr, name, field):
    if corr is None:
        return None
    for g in corr["gaps"]:
        if g["gap"] == name and g.get(field):
            return g[field]["mean"]
    return None


def weights(path):
    """Relative change per block, as mosic-bench weight-change prints it: {'blocks.0': 0.031, ...}."""
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path):
        m = re.match(r"^(\S+)\s+\S+\s+\S+\s+([\d.]+)\s*%", line)
        if m:
            out[m.group(1)] = float(m.group(2)) / 100
    return out


def train_log(run):
    path = os.path.join(work, "runs", run, "train-log.csv")
    if not os.path.exists(path):
        return {}
    rows = list(csv.DictReader(open(path)))
    if not rows:
        return {}
    last = rows[-max(1, len(rows) // 4):]  # the last quarter of the steps

    def mean(key, rs):
        values = [float(r[key]) for r in rs if r.get(key) not in (None, "", "NaN")]
        return sum(values) / len(values) if values else None

    return {
        "steps": len(rows),
        "loss_first": float(rows[0]["loss"]),
        "loss_last": mean("loss", last),
        "entropy_last": mean("label_entropy", last),
        "prototypes_last": mean("prototypes_used", last),
        "consistency_first": mean("label_consistency", rows[:1]),
        "consistency_last": mean("label_consistency", last),
        "seconds_per_step": mean("seconds", rows),
        "digests": [r.get("data_digest", "") for r in rows],
    }


table = []
for run in runs:
    arm, seed = run.split("-s")
    e = os.path.join(work, "eval", run)
    corr, held, davis = load(f"{e}/corr/correspondence.json"), load(f"{e}/heldout/eval.json"), load(f"{e}/davis/eval.json")
    frame, clip = result(held, "per_frame", "auto"), result(held, "per_clip", "auto")
    d_auto, d_10 = result(davis, "per_frame", "auto"), result(davis, "per_frame", "10")
    w = weights(f"{e}/weights.txt")
    blocks = [v for k, v in sorted(w.items()) if k.startswith("blocks.")]
    table.append({
        "run": run, "arm": arm, "seed": int(seed),
        "corr_hit": gap(corr, "all", "hit_rate"), "corr_hit_16": gap(corr, "16", "hit_rate"), "corr_hit_last": gap(corr, "last", "hit_rate"),
        "corr_chance": gap(corr, "all", "chance"), "corr_same_object": gap(corr, "all", "same_object"),
        "label_consistency": gap(corr, "all", "label_consistency"),
        "heldout_frame_miou": frame and frame["mean_frame_miou"], "heldout_clip_miou": clip and clip["mean_clip_miou"],
        "heldout_floor": frame and frame["mean_background_miou"],
        "davis_auto": d_auto and d_auto["mean_frame_miou"], "davis_k10": d_10 and d_10["mean_frame_miou"],
        "davis_floor": d_auto and d_auto["mean_background_miou"],
        "weight_change_blocks": blocks,
        "train": {k: v for k, v in train_log(run).items() if k != "digests"},
    })


def pct(v, digits=1):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:.{digits}f}"


def value(arm, seed, key):
    for r in table:
        if r["arm"] == arm and r["seed"] == seed:
            return r[key]
    return None


def seed_mean(arm, key):
    vals = [r[key] for r in table if r["arm"] == arm and r[key] is not None]
    return sum(vals) / len(vals) if vals else None


def spread(key):
    diffs = []
    for arm in sorted({r["arm"] for r in table}):
        a, b = value(arm, 0, key), value(arm, 1, key)
        if a is not None and b is not None:
            diffs.append(abs(a - b))
    return max(diffs) if diffs else None


# The decision rule, as written in docs/eval.md before the run.
s_c, s_m = spread("corr_hit"), spread("heldout_frame_miou")
c = {a: seed_mean(a, "corr_hit") for a in ("A1", "A2", "A5")}
m = {a: seed_mean(a, "heldout_frame_miou") for a in ("A1", "A2", "A5")}
decision = {"spread_correspondence": s_c, "spread_miou": s_m}
if None not in (s_c, s_m, *c.values(), *m.values()):
    margin_c = c["A1"] - max(c["A2"], c["A5"])
    margin_m = m["A1"] - max(m["A2"], m["A5"])
    decision.update({
        "correspondence_margin": margin_c, "miou_margin": margin_m,
        "correspondence_passes": margin_c > 2 * s_c, "miou_passes": margin_m > s_m,
    })
    decision["shown"] = decision["correspondence_passes"] and decision["miou_passes"]

# Machinery: every arm trained on the same clips, crops and frame-0 points in the same order (train-log digests),
# except image pairs, whose second view is a different picture by design.
digests = {}
for r in table:
    if r["arm"] in ("A0", "A5"):
        continue
    digests.setdefault(r["seed"], {})[r["run"]] = train_log(r["run"]).get("digests")
same_data = {seed: len({tuple(v or []) for v in runs_.values()}) == 1 for seed, runs_ in digests.items()}

lines = [
    "| run | corr. hit % (all gaps) | gap 16 | last | chance | same object % | teacher label consistency % | held-out frame mIoU % (K auto) | held-out clip mIoU % | DAVIS frame mIoU % K auto | K 10 | Δ weights blocks (%) | loss first → last | label entropy | prototypes |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|",
]
for r in table:
    t = r["train"]
    lines.append("| " + " | ".join([
        r["run"], pct(r["corr_hit"]), pct(r["corr_hit_16"]), pct(r["corr_hit_last"]), pct(r["corr_chance"]), pct(r["corr_same_object"]),
        pct(r["label_consistency"]), pct(r["heldout_frame_miou"], 2), pct(r["heldout_clip_miou"], 2), pct(r["davis_auto"], 2), pct(r["davis_k10"], 2),
        " / ".join(pct(b, 2) for b in r["weight_change_blocks"]),
        f"{t['loss_first']:.3f} → {t['loss_last']:.3f}" if t else "",
        f"{t['entropy_last']:.2f}" if t else "", f"{t['prototypes_last']:.0f}" if t else "",
    ]) + " |")
floor = next((r for r in table if r["heldout_floor"] is not None), None)
if floor:
    lines.append(f"\nBackground-only floor: held-out {pct(floor['heldout_floor'], 2)} %, DAVIS {pct(floor['davis_floor'], 2)} %.")
lines.append("\nDecision rule (docs/eval.md): " + json.dumps(decision, default=lambda v: v))
lines.append("Same clips, crops and frame-0 points in every video arm (train-log digests), per seed: " + json.dumps(same_data))
text = "\n".join(lines) + "\n"
open(os.path.join(work, "results.md"), "w").write(text)
json.dump({"runs": table, "decision": decision, "same_data": same_data}, open(os.path.join(work, "results.json"), "w"), indent=2)
print(text)
