"""Model v7 from scratch on a lent GPU, in one device call (issue 24, steps 3 and 6).

The data says a larger model trained from scratch is what is left to try (d_model 384, 6+2
layers, ~18M parameters, the issue's Bergamot "base" shape); two CPU cores cannot train one. A
session is sometimes lent a GPU for 15 minutes in all, and the device tool sends at most 64 MiB
of working tree, while the repository's tracked files are over 100 MB. So the run is prepared
here, runs there in one call, and its weights come back in parts:

    python benchmarks/gpu_from_scratch.py pack       # here: data into .device/, big files aside
    # device run: command "python3 benchmarks/gpu_from_scratch.py train --out $OUT",
    #             carry [".device"], timeout_s 590
    python benchmarks/gpu_from_scratch.py restore    # here, straight after: big files back
    python benchmarks/gpu_from_scratch.py unpack /work/.device/<files_at>/* -o ~/.cache/tafsiri/runs/v7-gpu
    python benchmarks/model_dev.py ~/.cache/tafsiri/runs/v7-gpu/model   # then decide on dev

``train`` (there) starts a new model with the shipped model's SentencePiece vocabulary (so
its figures are cut the same way), trains it in bfloat16 on the v3 mix plus the ensemble-
distilled English (``--stage-a``), averages its last three snapshots, finishes on the real
pairs (``--stage-b``), averages again, and writes the float16 weights as a tar in parts under
16 MiB (what the device tool brings back). It keeps to ``--deadline`` minutes, data preparation
included, so that a call never runs past its limit and loses everything. It needs only torch,
transformers, sentencepiece and sacrebleu, which the device image has.

``pack`` moves the tracked files the run does not need (the shipped weights, data/models/) out
of the working tree and unstages them, so that the tool neither sends nor expects them;
``restore`` puts them back and re-stages them, leaving ``git status`` as it was.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEVICE = REPO / ".device"
ASIDE = Path.home() / ".cache" / "tafsiri" / "device-aside"
SPECS = REPO / "data" / "corpora"
DEV = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
#: Tracked paths the GPU run does not read: together they are most of the repository's size.
HEAVY = (
    "translate/embedded/sw-en-compact/model.safetensors",
    "translate/embedded/sw-en-compact/ct2-int8",
    "data/models",
)
#: What the tool accepts (64 MiB), less room for the command's own files.
TREE_LIMIT = 60 * 2**20
#: The largest file the tool brings back is 16 MiB.
PART_BYTES = 15 * 2**20
SHAPE = {"d_model": 384, "encoder_layers": 6, "decoder_layers": 2, "heads": 6, "ffn_dim": 1536}


# -- here: what travels ----------------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout


def _spec_files(spec: Path) -> list[Path]:
    """The files a corpus spec names, resolved."""
    from translate.corpus import spec_parts

    return [path.resolve() for part in spec_parts(spec) for path in part.files]


def travelling_bytes() -> int:
    """What the device tool would send: tracked and untracked-not-ignored files, and .device."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    paths = [REPO / p for p in listed if p and (REPO / p).is_file()]
    paths += [p for p in DEVICE.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in paths)


def pack(shared: Path, specs: list[Path]) -> None:
    """Compress the data the specs and dev need into .device/ and move the heavy files aside."""
    if ASIDE.exists() and any(ASIDE.iterdir()):
        raise SystemExit(f"error: {ASIDE} is not empty: run restore first")
    shared = shared.resolve()
    needed = {shared / "data/lafand-mt-en-sw/dev.sw", shared / "data/lafand-mt-en-sw/dev.en"}
    for spec in specs:
        needed.update(_spec_files(spec))
    shutil.rmtree(DEVICE, ignore_errors=True)
    for path in sorted(needed):
        if not path.is_file():
            raise SystemExit(f"error: {path}: no such file (python data/bible/prepare.py?)")
        if path.is_relative_to(shared):
            dest = DEVICE / "shared" / path.relative_to(shared)
        elif path.is_relative_to(REPO):
            # Tracked files travel anyway; ignored ones (the prepared Bible) must be carried.
            ignored = subprocess.run(
                ["git", "check-ignore", "-q", str(path.relative_to(REPO))], cwd=REPO
            )
            if ignored.returncode != 0:
                continue
            dest = DEVICE / "repo" / path.relative_to(REPO)
        else:
            raise SystemExit(f"error: {path}: outside both the repository and {shared}")
        dest = dest.with_name(dest.name + ".xz")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with lzma.open(dest, "wb", preset=6) as out:
            out.write(path.read_bytes())
    for rel in HEAVY:
        if (REPO / rel).exists():
            _git("rm", "-r", "-q", "--cached", rel)
            (ASIDE / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(REPO / rel, ASIDE / rel)
    size = travelling_bytes()
    print(f"packed {len(needed)} data files into {DEVICE}; {size / 2**20:.1f} MiB would travel")
    if size > TREE_LIMIT:
        restore()
        raise SystemExit(f"error: {size / 2**20:.1f} MiB would travel, over {TREE_LIMIT >> 20} MiB")


def restore() -> None:
    """Put the heavy files back where pack took them from, and track them again."""
    for rel in HEAVY:
        if (ASIDE / rel).exists():
            if (REPO / rel).exists():
                raise SystemExit(f"error: {rel} exists in both the repository and {ASIDE}")
            shutil.move(ASIDE / rel, REPO / rel)
        _git("reset", "-q", "--", rel)
        if not (REPO / rel).exists():
            # The folder set aside went with its machine: the committed files are in git.
            _git("checkout", "HEAD", "--", rel)
    left = _git("status", "--porcelain", "--", *HEAVY)
    if left.strip():
        raise SystemExit(f"error: not restored as committed:\n{left}")
    shutil.rmtree(ASIDE, ignore_errors=True)
    print("restored: " + ", ".join(HEAVY))


# -- there: the training ---------------------------------------------------------------------


def unpack_data() -> None:
    """Decompress .device/ in place: shared data under .device/shared, ignored files in REPO."""
    for packed in DEVICE.rglob("*.xz"):
        target = packed.with_suffix("")
        if packed.is_relative_to(DEVICE / "repo"):
            target = REPO / target.relative_to(DEVICE / "repo")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(lzma.decompress(packed.read_bytes()))


def _here(path: Path) -> Path:
    """``path``, or its packed copy where ../shared is not beside the repository (there)."""
    shared = REPO.parent / "shared"
    path = path.resolve()
    if not shared.exists() and path.is_relative_to(shared):
        return DEVICE / "shared" / path.relative_to(shared)
    return path


def _spec_here(spec: Path, folder: Path) -> Path:
    """A copy of ``spec`` whose files are absolute paths through :func:`_here`."""
    from translate.corpus import spec_parts

    lines = [
        "  ".join([str(part.weight), part.tag or "-", *(str(_here(f)) for f in part.files)])
        for part in spec_parts(spec)
    ]
    copy = folder / spec.name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


def new_model(folder: Path, shape: dict, tokenizer_from: Path) -> None:
    """A randomly initialised MarianMT of ``shape`` with ``tokenizer_from``'s vocabulary."""
    import torch
    from transformers import MarianMTModel

    from translate.train import TrainConfig, build_marian_config

    folder.mkdir(parents=True)
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copy(tokenizer_from / name, folder / name)
    vocab = len(json.loads((tokenizer_from / "vocab.json").read_text(encoding="utf-8")))
    cfg = TrainConfig(
        vocab_size=vocab,
        d_model=shape["d_model"],
        encoder_layers=shape["encoder_layers"],
        decoder_layers=shape["decoder_layers"],
        attention_heads=shape["heads"],
        ffn_dim=shape["ffn_dim"],
    )
    torch.manual_seed(1234)
    MarianMTModel(build_marian_config(cfg, vocab)).save_pretrained(folder)


def _encoding_minutes(corpus, tokenizer, sample: int = 3000) -> float:
    """How long ``train`` will take to encode ``corpus``, from the time a sample takes."""
    from translate.train import _encode

    # A random sample: a spec's corpora differ in sentence length (verses are long).
    picked = random.Random(0).sample(range(len(corpus)), min(sample, len(corpus)))
    began = time.monotonic()
    _encode(tokenizer, [corpus.sources[i] for i in picked], 128)
    _encode(tokenizer, [corpus.targets[i] for i in picked], 128, target=True)
    # × 1.5: building the examples costs more than the sample shows (1.06 min measured for
    # stage A against 0.69 estimated, on a 2-core AMD EPYC).
    return 1.5 * (time.monotonic() - began) / 60 * len(corpus) / max(len(picked), 1)


def _average_last(run: Path, out: Path, say) -> Path:
    from translate.averaging import average_checkpoints

    snaps = sorted((run / "snapshots").glob("step-*"))[-3:]
    if len(snaps) < 2:
        say(f"{run.name}: fewer than two snapshots, its best checkpoint is used")
        return run
    average_checkpoints(snaps, out)
    say(f"{run.name}: averaged {', '.join(s.name for s in snaps)}")
    return out


def train_there(args: argparse.Namespace) -> None:
    started = time.monotonic()
    work = Path(args.work or tempfile.mkdtemp(prefix="v7-"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log_lines: list[str] = []

    def say(line: str) -> None:
        stamp = f"[{(time.monotonic() - started) / 60:5.2f} min] {line}"
        print(stamp, flush=True)
        log_lines.append(stamp)

    def spent() -> float:
        return (time.monotonic() - started) / 60

    try:
        if DEVICE.exists():
            unpack_data()
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        from translate.corpus import read_corpus_spec, read_parallel
        from translate.train import TrainConfig, train

        say(f"torch {torch.__version__}, cuda {torch.cuda.is_available()}")
        work.mkdir(parents=True, exist_ok=True)
        dev = read_parallel([_here(p) for p in args.dev])
        corpus_a = read_corpus_spec(_spec_here(args.stage_a, work))[0]
        corpus_b = read_corpus_spec(_spec_here(args.stage_b, work))[0]
        say(f"stage A {len(corpus_a)} pairs ({args.stage_a.name}), B {len(corpus_b)}")
        start = work / "init"
        new_model(start, SHAPE | json.loads(args.shape or "{}"), args.tokenizer)
        base = TrainConfig(
            dropout=0.1,
            batch_tokens=args.batch_tokens,
            dev_size=args.dev_size,
            device=args.device,
            precision=args.precision,
            keep_snapshots=3,
            log_every=100,
        )
        # A stage's budget counts updates only: its encoding (a minute for stage A on one core)
        # comes off first, estimated from a sample.
        tokenizer = MarianTokenizer.from_pretrained(args.tokenizer)
        encode_a, encode_b = (_encoding_minutes(c, tokenizer) for c in (corpus_a, corpus_b))
        say(f"encoding estimated at {encode_a:.2f} + {encode_b:.2f} min")
        left = args.deadline - spent() - args.reserve - encode_a - encode_b
        a_cfg = replace(
            base,
            init=str(start),
            peak_lr=args.lr,
            warmup_steps=args.warmup,
            minutes=left * 0.78,
            eval_every_minutes=left * 0.78 / 5,
        )
        train(corpus_a, dev, work / "a", a_cfg, progress=say)
        a_avg = _average_last(work / "a", work / "a-avg", say)
        left = args.deadline - spent() - args.reserve - encode_b
        final = a_avg
        if left < 0.1:
            say(f"no time left for stage B ({left:.2f} min): stage A is the result")
        else:
            b_cfg = replace(
                base,
                init=str(a_avg),
                peak_lr=args.lr / 4,
                warmup_steps=50,
                minutes=left,
                eval_every_minutes=left / 4,
            )
            train(corpus_b, dev, work / "b", b_cfg, progress=say)
            final = _average_last(work / "b", work / "b-avg", say)
        ship = work / "model"
        shutil.copytree(final, ship, ignore=shutil.ignore_patterns("checkpoint", "snapshots"))
        MarianMTModel.from_pretrained(final).half().save_pretrained(ship)
        for stage in ("a", "b"):
            record = work / stage / "training.json"
            if record.exists():
                shutil.copy(record, out / f"training-{stage}.json")
        _write_parts(ship, out)
        say(f"done in {spent():.1f} min")
    finally:
        (out / "log.txt").write_text("\n".join(log_lines) + "\n", encoding="utf-8")


def _write_parts(folder: Path, out: Path) -> None:
    archive = folder.parent / "model.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(folder, arcname="model")
    data = archive.read_bytes()
    for i in range(0, len(data), PART_BYTES):
        (out / f"model.tar.part{i // PART_BYTES:02d}").write_bytes(data[i : i + PART_BYTES])


def unpack(parts: list[Path], dest: Path) -> None:
    """Join the parts ``train`` wrote and extract the model folder into ``dest``."""
    parts = sorted(p for p in parts if ".tar.part" in p.name)
    if not parts:
        raise SystemExit("error: no model.tar.partNN files given")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "model.tar"
        with archive.open("wb") as joined:
            for part in parts:
                joined.write(part.read_bytes())
        with tarfile.open(archive) as tar:
            tar.extractall(dest, filter="data")
    print(f"model in {dest / 'model'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_pack = sub.add_parser("pack", help="here: data into .device/, heavy files aside")
    p_pack.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    p_pack.add_argument("--stage-a", type=Path, default=SPECS / "sw-en-v7.spec")
    p_pack.add_argument("--stage-b", type=Path, default=SPECS / "real.spec")
    sub.add_parser("restore", help="here: heavy files back, tracked again")
    p_train = sub.add_parser("train", help="there: train, average, write parts to --out")
    p_train.add_argument("--out", required=True)
    p_train.add_argument("--work", default=None, help="run folders (default: a new temp dir)")
    p_train.add_argument("--stage-a", type=Path, default=SPECS / "sw-en-v7.spec")
    p_train.add_argument("--stage-b", type=Path, default=SPECS / "real.spec")
    p_train.add_argument(
        "--tokenizer", type=Path, default=REPO / "translate/embedded/sw-en-compact"
    )
    p_train.add_argument("--shape", default=None, help='JSON overrides, e.g. {"d_model": 64}')
    p_train.add_argument("--deadline", type=float, default=9.0, help="minutes, all included")
    p_train.add_argument("--reserve", type=float, default=0.6, help="minutes kept for saving")
    p_train.add_argument("--batch-tokens", type=int, default=16000)
    p_train.add_argument("--lr", type=float, default=8e-4)
    p_train.add_argument("--warmup", type=int, default=800)
    p_train.add_argument("--dev", nargs=2, type=Path, default=[DEV / "dev.sw", DEV / "dev.en"])
    # Greedy dev decoding is the one slow part on a GPU; stage selection needs no more.
    p_train.add_argument("--dev-size", type=int, default=200)
    p_train.add_argument("--device", default="cuda")
    p_train.add_argument("--precision", default="bf16")
    p_unpack = sub.add_parser("unpack", help="here: join the parts into a model folder")
    p_unpack.add_argument("parts", nargs="+", type=Path)
    p_unpack.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.chdir(REPO)
    if args.command == "pack":
        pack(args.shared, [args.stage_a, args.stage_b])
    elif args.command == "restore":
        restore()
    elif args.command == "train":
        train_there(args)
    else:
        unpack(args.parts, args.output)


if __name__ == "__main__":
    main()
