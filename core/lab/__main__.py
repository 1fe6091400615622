"""Command line: `python -m core.lab train --model transformer --task reverse --steps 300 ...`.

Every TrainConfig / ModelConfig field is an option (`--model` is ModelConfig.kind). Prints a tqdm
progress bar, the held-out metrics as they come, and the final metrics; an invalid config prints
the reason and exits with status 2. `--save FILE` writes a checkpoint, `--predict TEXT` answers a
custom input with the trained model.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from core.lab.config import (
    ATTENTIONS,
    KINDS,
    NORMS,
    POS_ENCODINGS,
    TASK_NAMES,
    ConfigError,
    ModelConfig,
    TrainConfig,
)
from core.lab.device import device_label, training_threads


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m core.lab", description="Model Lab: train tiny seq2seq models."
    )
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train one model and print its metrics")
    tc, mc = TrainConfig(), ModelConfig()
    t.add_argument("--model", dest="kind", choices=KINDS, default=mc.kind, help="model kind")
    t.add_argument("--task", choices=TASK_NAMES, default=tc.task)
    for f in dataclasses.fields(TrainConfig):
        if f.name in ("task", "model"):
            continue
        t.add_argument(
            f"--{f.name.replace('_', '-')}",
            dest=f.name,
            type=type(getattr(tc, f.name)),
            default=getattr(tc, f.name),
        )
    choices = {"attention": ATTENTIONS, "norm": NORMS, "pos_encoding": POS_ENCODINGS}
    for f in dataclasses.fields(ModelConfig):
        if f.name == "kind":
            continue
        t.add_argument(
            f"--{f.name.replace('_', '-')}",
            dest=f"m_{f.name}",
            type=type(getattr(mc, f.name)),
            default=getattr(mc, f.name),
            choices=choices.get(f.name),
        )
    threads = training_threads()
    t.add_argument(
        "--threads",
        type=int,
        default=threads,
        help=f"torch intra-op threads for this run (default {threads}, as the Lab's training jobs use; "
        "0 keeps torch's own default, one per core, which ran 3-30x slower whenever another process "
        "used a core)",
    )
    t.add_argument("--save", metavar="FILE", help="write a checkpoint here")
    t.add_argument("--predict", metavar="TEXT", action="append", default=[], help="answer a custom input")
    t.add_argument("--json", action="store_true", help="print the final metrics as JSON")
    return p


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig the parsed options describe (not yet validated)."""
    model = ModelConfig(
        kind=args.kind,
        **{f.name: getattr(args, f"m_{f.name}") for f in dataclasses.fields(ModelConfig) if f.name != "kind"},
    )
    return TrainConfig(
        model=model,
        **{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig) if f.name != "model"},
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = _parser().parse_args(argv)
    cfg = config_from_args(args)
    try:
        cfg.validate()
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.threads < 0:
        print(f"error: --threads must be 0 or more (got {args.threads})", file=sys.stderr)
        return 2
    import torch
    from tqdm import tqdm

    from core.lab.train import DoneEvent, EvalEvent, StepEvent, predict, train

    if args.threads:
        torch.set_num_threads(args.threads)  # a per-process setting: fine for a CLI process
    done = None
    with tqdm(total=cfg.steps, unit="step", file=sys.stderr, dynamic_ncols=True) as bar:
        for ev in train(cfg):
            if isinstance(ev, StepEvent):
                bar.update(1)
                bar.set_postfix(loss=f"{ev.loss:.3f}", acc=f"{ev.token_acc:.3f}")
            elif isinstance(ev, EvalEvent):
                bar.write(
                    f"step {ev.step:5d}  val_loss {ev.val_loss:.4f}  val_token_acc {ev.val_token_acc:.4f}"
                    f"  val_seq_acc {ev.val_seq_acc:.4f}"
                )
            elif isinstance(ev, DoneEvent):
                done = ev
    assert done is not None
    print(
        f"status: {done.status} at step {done.step}  device: {device_label(done.device, args.threads or None)}"
        f"  params: {done.n_params}"
    )
    if args.json:
        print(json.dumps(done.metrics, sort_keys=True))
    else:
        for k, v in done.metrics.items():
            print(f"{k:>14}: {v:.4f}" if isinstance(v, float) else f"{k:>14}: {v}")
    if args.save:
        from core.lab.checkpoint import save_checkpoint

        with open(args.save, "wb") as fh:
            fh.write(save_checkpoint(done.model, cfg))
        print(f"checkpoint: {args.save}")
    if args.predict:
        from core.lab.tasks import make_task

        task = make_task(cfg.task, cfg.seq_len, cfg.vocab_size)
        for text in args.predict:
            try:
                print(f"{text} -> {predict(done.model, task, text)[0]}")
            except ConfigError as err:
                print(f"error: {err}", file=sys.stderr)
                return 2
    return 0 if done.status == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
