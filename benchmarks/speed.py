"""Speed of the back ends and of the whole pipeline, in one run that prints one table.

    python benchmarks/speed.py [--lines 1000] [--base-lines 300] [--beam 4] [--threads 0]
                               [--skip base,contention,streaming,cli]

Rows (each measured in a fresh subprocess, so peak RSS is that configuration's own):

- (a) transformers fp32: ``MarianBackend.translate_batch`` over the first N MAFAND-MT test
  sentences, the embedded model, beam as given;
- (b) CTranslate2 int8: ``CT2Backend.translate_batch``, same sentences and settings;
- (c) the pipeline on (b): ``Translator.translate_document`` on the same lines as one
  document (segmentation, long-sentence splitting, batching, the degenerate-output check and
  its re-decoding, rebuilding), no glossary; "overhead" is the share of its time spent
  outside the back end; (c−) the same without the degenerate-output check;
- (c+g) the same with the default glossary;
- CLI: ``tafsiri translate --backend transformers|ct2`` end to end (process start, model load,
  glossary on) on the first 300 test sentences;
- Marian-base size (d_model 512, 6+6 layers, 8 heads, FFN 2048, 32k vocabulary), random
  weights: both libraries called directly with every output forced to exactly 32 new tokens
  (minimum = maximum length), so both do the same work whatever the random weights prefer;
- contention: the seed article with the CLI defaults, idle and beside one CPU-bound process;
- streaming: peak RSS of the CLI translating a folder of documents, and of ten times as many.

Times exclude model loading except in the CLI rows. Target tokens are counted with the
model's target SentencePiece model. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEST_SW = REPO.parent / "shared" / "data" / "lafand-mt-en-sw" / "test.sw"
DOCS_TSV = REPO.parent / "shared" / "data" / "lafand-mt-en-sw" / "test.docs.tsv"
SEED = REPO / "seeds" / "kazakhstan-belgium-consultations.sw.txt"
EMBEDDED = REPO / "translate" / "embedded" / "sw-en-compact"
BASE_NEW_TOKENS = 32


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _lines(n: int) -> list[str]:
    return TEST_SW.read_text(encoding="utf-8").splitlines()[:n]


def _target_tokens(texts: list[str]) -> int:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(EMBEDDED / "target.spm"))
    return sum(len(p) + 1 for p in sp.encode(texts, out_type=str))


# -- workers (run in subprocesses) -----------------------------------------------------------


def worker_backend(args: argparse.Namespace) -> dict:
    from translate.backend import DecodeOptions, load_backend

    t0 = time.perf_counter()
    backend = load_backend(args.backend, EMBEDDED, device="cpu", threads=args.threads)
    load = time.perf_counter() - t0
    lines = _lines(args.lines)
    options = DecodeOptions(beam=args.beam)
    t0 = time.perf_counter()
    hyps = backend.translate_batch(lines, options)
    wall = time.perf_counter() - t0
    texts = [h[0].text for h in hyps]
    return {
        "wall": wall,
        "load": load,
        "sentences": len(lines),
        "tokens": _target_tokens(texts),
        "rss": _rss_mb(),
        "what": backend.description,
    }


def worker_pipeline(args: argparse.Namespace) -> dict:
    from glossary import default_glossary
    from translate.backend import DecodeOptions
    from translate.degenerate import DEFAULT_CHECK
    from translate.pipeline import Translator

    glossary = default_glossary() if args.glossary else None
    t0 = time.perf_counter()
    tr = Translator(
        EMBEDDED,
        degenerate=DEFAULT_CHECK if args.degenerate else None,
        backend=args.backend,
        device="cpu",
        threads=args.threads,
        options=DecodeOptions(beam=args.beam),
        glossary=glossary,
    )
    load = time.perf_counter() - t0
    inner = tr.backend.translate_batch
    spent = [0.0]

    def timed(*a, **k):
        started = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            spent[0] += time.perf_counter() - started

    tr.backend.translate_batch = timed  # type: ignore[method-assign]
    lines = _lines(args.lines)
    t0 = time.perf_counter()
    doc = tr.translate_document("\n".join(lines) + "\n")
    wall = time.perf_counter() - t0
    return {
        "wall": wall,
        "load": load,
        "sentences": len(lines),
        "tokens": _target_tokens([s.translation for s in doc.segments]),
        "rss": _rss_mb(),
        "backend_s": spent[0],
        "what": tr.info.description
        + (" + glossary" if glossary else "")
        + ("" if args.degenerate else ", no degenerate check"),
    }


def _base_model(folder: Path) -> None:
    """A random Marian-base checkpoint with the embedded model's SentencePiece files."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    vocab = json.loads((EMBEDDED / "vocab.json").read_text(encoding="utf-8"))
    pad = vocab.pop("<pad>")
    assert pad == len(vocab)
    while len(vocab) < 32000 - 1:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    for name in ("source.spm", "target.spm", "tokenizer_config.json"):
        shutil.copy(EMBEDDED / name, folder / name)
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        pad_token_id=len(vocab) - 1,
        decoder_start_token_id=len(vocab) - 1,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_position_embeddings=512,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
    )
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(folder)


def worker_base(args: argparse.Namespace) -> dict:
    from translate.backend import quiet_waits
    from translate.batching import plan_batches

    quiet_waits()
    folder = Path(args.folder)
    lines = _lines(args.lines)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    pieces = [[*p, "</s>"] for p in sp.encode(lines, out_type=str)]
    batches = plan_batches([len(p) for p in pieces], 4096)
    threads = args.threads or min(4, len(os.sched_getaffinity(0)))
    if args.backend == "transformers":
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        torch.set_num_threads(threads)
        tok = MarianTokenizer.from_pretrained(str(folder))
        model = MarianMTModel.from_pretrained(str(folder)).eval()
        ids = [tok.convert_tokens_to_ids(p) for p in pieces]
        pad = model.config.pad_token_id
        t0 = time.perf_counter()
        for batch in batches:
            longest = max(len(ids[i]) for i in batch)
            x = torch.full((len(batch), longest), pad)
            mask = torch.zeros_like(x)
            for row, i in enumerate(batch):
                x[row, : len(ids[i])] = torch.tensor(ids[i])
                mask[row, : len(ids[i])] = 1
            with torch.inference_mode():
                model.generate(
                    input_ids=x,
                    attention_mask=mask,
                    num_beams=args.beam,
                    min_new_tokens=BASE_NEW_TOKENS,
                    max_new_tokens=BASE_NEW_TOKENS,
                )
        wall = time.perf_counter() - t0
        what = f"transformers float32, {threads} threads"
    else:
        import ctranslate2

        translator = ctranslate2.Translator(
            str(folder / "ct2"), device="cpu", compute_type="int8", intra_threads=threads
        )
        t0 = time.perf_counter()
        for batch in batches:
            translator.translate_batch(
                [pieces[i] for i in batch],
                beam_size=args.beam,
                min_decoding_length=BASE_NEW_TOKENS,
                max_decoding_length=BASE_NEW_TOKENS,
            )
        wall = time.perf_counter() - t0
        what = f"ct2 {translator.compute_type}, {threads} threads"
    return {
        "wall": wall,
        "sentences": len(lines),
        "tokens": len(lines) * BASE_NEW_TOKENS,
        "rss": _rss_mb(),
        "what": what,
    }


def worker_prepare_base(args: argparse.Namespace) -> dict:
    from translate.ct2 import _run_converter

    folder = Path(args.folder)
    _base_model(folder)
    _run_converter(folder, folder / "ct2", "int8")
    shutil.copy(folder / "source.spm", folder / "ct2" / "source.spm")
    return {}


WORKERS = {
    "backend": worker_backend,
    "pipeline": worker_pipeline,
    "base": worker_base,
    "prepare-base": worker_prepare_base,
}


# -- the parent ----------------------------------------------------------------------------


def _run_worker(kind: str, **options) -> dict:
    argv = [sys.executable, __file__, "--worker", kind]
    for key, value in options.items():
        argv += [f"--{key.replace('_', '-')}", str(value)]
    out = subprocess.run(argv, capture_output=True, text=True, cwd=REPO)
    if out.returncode:
        raise SystemExit(f"worker {kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cli(args: list[str], hog: bool = False, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``tafsiri`` run (this process must stay small)."""
    tafsiri = Path(sys.executable).with_name("tafsiri")
    hog_proc = None
    if hog:
        hog_proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(tafsiri), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(
                f"tafsiri {' '.join(args)} failed: {proc.stderr.read().decode()[-2000:]}"
            )
        return wall, usage.ru_maxrss / 1024
    finally:
        if hog_proc:
            hog_proc.kill()
            hog_proc.wait()


def _row(name: str, r: dict) -> str:
    per_s = r["sentences"] / r["wall"]
    return (
        f"| {name} | {r['what']} | {r['wall']:.1f} | {per_s:.1f} | "
        f"{r['tokens'] / r['wall']:.0f} | {r['rss']:.0f} |"
    )


def _docs(folder: Path, copies: int) -> int:
    """Write MAFAND-MT test documents (``copies`` times over) as .txt files; return the count."""
    folder.mkdir(parents=True)
    docs, current = [], []
    for line in DOCS_TSV.read_text(encoding="utf-8").splitlines()[1:]:
        if line == "\t":
            if current:
                docs.append(current)
            current = []
            continue
        parts = line.split("\t")
        if len(parts) == 2:
            current.append(parts[1])
    if current:
        docs.append(current)
    n = 0
    for copy in range(copies):
        for k, doc in enumerate(docs[:20]):
            (folder / f"c{copy:02d}-d{k:03d}.txt").write_text(
                "\n".join(doc) + "\n", encoding="utf-8"
            )
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--base-lines", type=int, default=300)
    parser.add_argument("--cli-lines", type=int, default=300)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--skip", default="", help="comma-separated: base,cli,contention,streaming")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="ct2", help=argparse.SUPPRESS)
    parser.add_argument("--glossary", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--degenerate", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args)))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    common = {"lines": args.lines, "beam": args.beam, "threads": args.threads}
    print(
        f"# {args.lines} MAFAND-MT test sentences, beam {args.beam}, embedded model; "
        f"{os.cpu_count()} CPUs"
    )
    print("| row | what | seconds | sentences/s | target tokens/s | peak RSS MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    a = _run_worker("backend", backend="transformers", **common)
    print(_row("(a) transformers fp32", a))
    b = _run_worker("backend", backend="ct2", **common)
    print(_row("(b) CTranslate2 int8", b))
    c = _run_worker("pipeline", backend="ct2", glossary=0, **common)
    print(_row("(c) pipeline on (b)", c))
    c0 = _run_worker("pipeline", backend="ct2", glossary=0, degenerate=0, **common)
    print(_row("(c−) pipeline on (b), no re-decoding check", c0))
    cg = _run_worker("pipeline", backend="ct2", glossary=1, **common)
    print(_row("(c+g) pipeline on (b), default glossary", cg))
    print()
    print(
        f"- b/a = {a['wall'] / b['wall']:.2f}×, c/a = {a['wall'] / c['wall']:.2f}×, "
        f"c/b = {c['wall'] / b['wall']:.2f} (c takes {100 * (c['wall'] / b['wall'] - 1):+.1f}% "
        f"of b's time; {100 * (1 - c['backend_s'] / c['wall']):.1f}% of c is outside the back end)"
    )
    print(
        f"- without the degenerate-output check: c−/b = {c0['wall'] / b['wall']:.2f}; "
        f"the check (re-decoding flagged pieces) adds {100 * (c['wall'] / c0['wall'] - 1):+.1f}%"
    )
    print(f"- glossary: c+g/c = {cg['wall'] / c['wall']:.2f}×")

    if "base" not in skip:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "base"
            # In a subprocess: the parent stays small, so the CLI rows' peak RSS is their own
            # (Linux carries a parent's peak RSS over fork and exec into the child's figure).
            _run_worker("prepare-base", folder=folder)
            base = {
                "lines": args.base_lines,
                "beam": args.beam,
                "threads": args.threads,
                "folder": folder,
            }
            ba = _run_worker("base", backend="transformers", **base)
            bb = _run_worker("base", backend="ct2", **base)
        print()
        print(
            f"# Marian-base size (random weights, every output exactly {BASE_NEW_TOKENS} "
            f"new tokens), {args.base_lines} sentences, beam {args.beam}"
        )
        print("| row | what | seconds | sentences/s | target tokens/s | peak RSS MB |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        print(_row("(a) transformers fp32", ba))
        print(_row("(b) CTranslate2 int8", bb))
        print(f"\n- b/a = {ba['wall'] / bb['wall']:.2f}×")

    if "cli" not in skip:
        with tempfile.TemporaryDirectory() as tmp:
            sample = Path(tmp) / "test300.sw"
            sample.write_text("\n".join(_lines(args.cli_lines)) + "\n", encoding="utf-8")
            hf, _ = _cli(["translate", str(sample), "--backend", "transformers"])
            ct, _ = _cli(["translate", str(sample), "--backend", "ct2"])
        print()
        print(f"# CLI end to end, {args.cli_lines} test sentences, defaults (glossary on)")
        print(
            f"- --backend transformers {hf:.1f} s, --backend ct2 {ct:.1f} s: {hf / ct:.2f}× faster"
        )

    if "contention" not in skip:
        seed = ["translate", str(SEED)]
        spin = {"OMP_WAIT_POLICY": "ACTIVE"}
        idle = min(_cli(seed)[0] for _ in range(2))
        busy = min(_cli(seed, hog=True)[0] for _ in range(2))
        spin_idle = min(_cli(seed, env=spin)[0] for _ in range(2))
        spin_busy = min(_cli(seed, hog=True, env=spin)[0] for _ in range(2))
        print()
        print("# Seed article, CLI defaults (best of 2), idle and beside one CPU-bound process")
        print(
            f"- defaults (idle threads sleep): idle {idle:.1f} s, busy {busy:.1f} s: "
            f"{busy / idle:.2f}× its idle time"
        )
        print(
            f"- for contrast, OMP_WAIT_POLICY=ACTIVE (spinning threads): idle {spin_idle:.1f} s, "
            f"busy {spin_busy:.1f} s: {spin_busy / spin_idle:.2f}×"
        )

    if "streaming" not in skip:
        with tempfile.TemporaryDirectory() as tmp:
            small, big = Path(tmp) / "small", Path(tmp) / "big"
            n_small, n_big = _docs(small, 1), _docs(big, 10)
            _, rss_small = _cli(
                ["translate", str(small), "-o", str(Path(tmp) / "o1"), "--beam", "1"]
            )
            _, rss_big = _cli(["translate", str(big), "-o", str(Path(tmp) / "o2"), "--beam", "1"])
        print()
        print("# Streaming: peak RSS of the CLI (beam 1, glossary on)")
        print(
            f"- {n_small} documents {rss_small:.0f} MB, {n_big} documents {rss_big:.0f} MB: "
            f"{100 * (rss_big / rss_small - 1):+.1f}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
