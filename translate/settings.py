"""The settings that decide a translation's words, in one record.

:class:`OutputSettings` is to a run what sacreBLEU's ``BLEUSignature`` is to a score: built
from the very values that configure the run, so nothing can be left out. Both the one-line
signature in every JSONL record (:meth:`OutputSettings.signature`, via
:meth:`translate.pipeline.TranslationInfo.signature`) and the resume key of an output folder's
manifest (:meth:`OutputSettings.key`, :class:`translate.jobs.Manifest`) are derived from it.

The signature is made from the settings the loaded back end reports (``ct2``, ``int8_float32``);
the resume key from the settings asked for (``auto``, ``default``), because it is checked
before any model loads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from translate.backend import DecodeOptions
from translate.records import RECORD_SCHEMA

__all__ = ["OutputSettings", "model_name", "tafsiri_version"]


def tafsiri_version() -> str:
    """The installed distribution's version (``"unknown"`` when run from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tafsiri")
    except PackageNotFoundError:
        return "unknown"


def model_name(model: str | Path) -> str:
    """How records and signatures name a model: never a path on this machine.

    A folder is named by its base name (the embedded ``sw-en-compact``, a trained
    ``models/sw-en`` → ``sw-en``); a snapshot in the Hugging Face cache
    (``…/models--Helsinki-NLP--opus-mt-swc-en/snapshots/<rev>``) by its hub id; a name that is
    not a path stays as it is. The fingerprint, next to it in every record's signature, tells
    apart two different models with the same name.
    """
    text = str(model)
    if "/" not in text and "\\" not in text:
        return text
    path = Path(text.replace("\\", "/"))
    if path.parent.name == "snapshots" and path.parent.parent.name.startswith("models--"):
        return path.parent.parent.name.removeprefix("models--").replace("--", "/")
    if not path.is_absolute() and not path.exists() and len(path.parts) == 2:
        return path.as_posix()  # a hub id such as "Helsinki-NLP/opus-mt-swc-en"
    return path.name or text


@dataclass(frozen=True)
class OutputSettings:
    """Everything that changes the output's words.

    Attributes:
        model: the model as given (a folder, a name or a hub id); the signature and the key
            name it by :func:`model_name` / its base name, never by its path.
        fingerprint: :func:`translate.model_catalog.fingerprint` of its files (None unknown).
        backend: the back end (``"ct2"``, ``"transformers"``; ``"auto"`` as asked).
        compute_type: the quantization (``"int8_float32"``, ``"float16"``, ``"float32"``;
            ``"default"`` as asked). int8 and float runs differ in their words.
        decode: the decode options.
        max_segment_tokens: the long-segment split threshold.
        glossary: the decoder hook's checksum, or None without a hook.
        degenerate: the degenerate-output check's signature (``"1.3/3+doubled"``, ``"flag"``),
            or None when it is off.
        trust: whether the meaning-level checks ran (``translate.trust``: flags and
            confidence in the records); off for a source that is not Swahili.
        round_trip: the English→Swahili model of the round-trip check, as
            ``name:fingerprint`` (:mod:`translate.roundtrip`), or None when it did not run.
        rerank: the noisy-channel reranker, as ``name:fingerprint:weightxcandidates``
            (:mod:`translate.rerank`), or None when the beam's own ranking was kept.
    """

    model: str
    fingerprint: str | None
    backend: str
    compute_type: str
    decode: DecodeOptions
    max_segment_tokens: int
    glossary: str | None
    degenerate: str | None = None
    trust: bool = True
    round_trip: str | None = None
    rerank: str | None = None

    def signature(self) -> str:
        """A sacreBLEU-style signature: every field, in one line.

        Example: ``tafsiri:0.1.0|model:sw-en-compact|fp:1a2b…|backend:ct2|ct:int8_float32|
        beam:4|…|gloss:none``. Threads and device are left out: they change speed, not the
        words (the compute type, which a device implies by default, is in).
        """
        d = self.decode
        parts = [
            f"tafsiri:{tafsiri_version()}",
            f"model:{model_name(self.model)}",
            f"fp:{self.fingerprint or 'none'}",
            f"backend:{self.backend}",
            f"ct:{self.compute_type}",
            f"beam:{d.beam}",
            f"lp:{d.length_penalty:g}",
            f"maxlen:{d.max_length}",
            f"ratio:{d.max_length_ratio:g}",
            f"rep:{d.repetition_penalty:g}",
            f"norepeat:{d.no_repeat_ngram_size}",
            f"seg:{self.max_segment_tokens}",
            f"degen:{self.degenerate or 'off'}",
            f"gloss:{self.glossary[:12] if self.glossary else 'none'}",
        ]
        if not self.trust:
            parts.append("trust:off")
        if self.round_trip:
            parts.append(f"rt:{self.round_trip}")
        if self.rerank:
            parts.append(f"rr:{self.rerank}")
        return "|".join(parts)

    def key(self, fmt: str, markdown: bool = False, mark: bool = False) -> str:
        """A short hash of the settings, the output format and whether the input is Markdown.

        The resume manifest's key: a rerun whose key differs redoes the output. For text
        outputs it is unchanged from the manifests written before this record existed (the
        same fields, the model by its folder's base name, the same hash), so finished runs stay
        finished. JSONL outputs written before records carried the meaning-level flags and
        the confidence (``translate.trust``) are redone, so that every record has them; so are
        outputs marked with ``--mark`` (their text differs).
        """
        settings = {
            "schema": RECORD_SCHEMA,
            **asdict(self),
            "model": Path(self.model).name,
            "format": fmt,
            "markdown": markdown,
        }
        # As before these switches existed, when left alone: finished runs stay finished.
        if self.trust:
            del settings["trust"]
        if self.round_trip is None:
            del settings["round_trip"]
        if self.rerank is None:
            del settings["rerank"]
        if fmt == "jsonl":
            settings["records"] = "trust/1"
        if mark:
            settings["mark"] = True
        blob = json.dumps(settings, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
