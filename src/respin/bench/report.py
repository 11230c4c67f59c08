"""Render a result dict: terminal table, markdown report, JSON, precision-recall PNG.

Everything here reads only the dict :func:`respin.bench.runner.evaluate`
returns, so a saved ``report.json`` renders the same report again.
matplotlib is an optional extra (``pip install respin[bench]``): it is
imported only when the PNG is drawn, with the Agg backend (no display), and
without it the report says the plot was skipped.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["format_table", "summary_lines", "write_json", "write_markdown", "write_pr_curve"]

_HEADER = ("suite", "docs", "words", "system", "TP", "FP", "FN", "prec", "recall", "F0.5",
           "WER in → out", "reduct", "clean/1k")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for suite in result["suites"]:
        ndocs = suite["spun_documents"] + suite["clean_documents"]
        first = True
        if not ndocs:
            rows.append((suite["name"], "0", "0", "(no documents)", *[""] * 9))
            continue
        for system in result["systems"]:
            m = suite["systems"].get(system)
            if m is None:
                continue
            head = (suite["name"], str(ndocs), str(suite["words"])) if first else ("", "", "")
            first = False
            if m.get("spun_documents"):
                spun = (str(m["tp"]), str(m["fp"]), str(m["fn"]), f"{m['precision']:.3f}",
                        f"{m['recall']:.3f}", f"{m['f05']:.3f}",
                        f"{_pct(m['wer_in']):>6} → {_pct(m['wer_out']):>6}", _pct(m["err_reduction"]))
            else:
                spun = ("-",) * 8
            clean = f"{m['clean_changed_per_1k_words']:.2f}" if m.get("clean_documents") else "-"
            rows.append((*head, system, *spun, clean))
    return rows


def _align(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    left = {0, 3}
    out = []
    for r in rows:
        cells = [c.ljust(widths[i]) if i in left else c.rjust(widths[i]) for i, c in enumerate(r)]
        out.append("  ".join(cells).rstrip())
    return out


def format_table(result: dict[str, Any]) -> str:
    """The per-suite, per-system table shown on the terminal (and pasted into docs)."""
    cfg = result["config"]
    lines = [f"respin-bench · respin {result['respin_version']} · threshold {cfg['threshold']} · "
             f"lexicon {cfg['lexicon_rules']} rules"]
    lines += _align([_HEADER, *_rows(result)])
    lines += summary_lines(result)
    return "\n".join(lines)


def summary_lines(result: dict[str, Any]) -> list[str]:
    """Detection, speed, memory, overlap and notes, one line each."""
    lines = []
    det = result["detection"]
    if det.get("auroc") is not None:
        lines.append(f"detection AUROC (spin_score, {det['spun_documents']} spun vs "
                     f"{det['clean_documents']} clean documents): {det['auroc']:.3f}; "
                     f"max clean score {det['max_clean_spin_score']:.3f}, "
                     f"min spun score {det['min_spun_spin_score']:.3f}")
    else:
        lines.append("detection AUROC: needs both spun and clean documents")
    parts = []
    for system, sp in result["speed"].items():
        if sp.get("mb_per_s") is None:
            continue
        extra = ""
        if sp.get("load_seconds"):
            extra = f", load {sp['load_seconds']:.2f} s"
        if sp.get("cached"):
            extra += f", {sp['cached']} cached"
        rate = sp["mb_per_s"]
        shown = f"{rate:,.0f}" if rate >= 100 else f"{rate:.3g}"
        parts.append(f"{system} {shown} MB/s{extra}")
    if parts:
        lines.append("speed: " + "; ".join(parts) + f" ({result['bytes'] / 1e6:.2f} MB)")
    mem = result.get("memory") or {}
    if mem:
        rss = f", process max RSS {mem['max_rss_mb']:.0f} MB" if "max_rss_mb" in mem else ""
        lines.append(f"memory: peak heap {mem['peak_heap_mb']:.1f} MB while restoring "
                     f"(the {mem['documents_traced']} longest documents, up to "
                     f"{mem['largest_document_bytes'] / 1e3:.0f} kB){rss}")
    ov = result.get("overlap")
    if ov:
        line = (f"circularity: {ov['pairs_in_lexicon']} of {ov['table_pairs']} spinner-table pairs "
                f"({_pct(ov['pair_share'])}) are also lexicon pairs; {ov['spun_forms_in_lexicon']} of "
                f"{ov['table_spun_forms']} table spun forms are lexicon keys")
        if ov["synthetic_spans"]:
            line += (f"; {ov['synthetic_spans_in_lexicon']} of {ov['synthetic_spans']} synthetic gold "
                     f"spans ({_pct(ov['synthetic_span_share'])}) use a lexicon pair")
        lines.append(line)
    for suite in result["suites"]:
        for note in suite["notes"]:
            lines.append(f"note: {note}")
    return lines


def write_json(result: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_pr_curve(result: dict[str, Any], path: Path) -> str | None:
    """Draw precision against recall over the threshold sweep; None if written, else why not."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install 'respin[bench]'); PR curve skipped"
    spun_suites = [s["name"] for s in result["suites"] if s["spun_documents"]]
    if not spun_suites or not result["sweep"]:
        return "no spun documents or no threshold sweep; PR curve skipped"
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.6))
    markers = {"naive": "s", "symspell": "x", "identity": "o"}
    for k, name in enumerate(spun_suites):
        color = f"C{k}"
        pts = [(p["threshold"], p["suites"][name]) for p in result["sweep"] if name in p["suites"]]
        xs = [m["recall"] for _, m in pts]
        ys = [m["precision"] for _, m in pts]
        ax.plot(xs, ys, "-", color=color, marker=".", label=f"respin · {name}")
        for th, m in pts:
            ax.annotate(f"{th:g}", (m["recall"], m["precision"]), fontsize=6, color=color,
                        xytext=(2, 2), textcoords="offset points")
        op = next((m for th, m in pts if th == result["config"]["threshold"]), None)
        if op:
            ax.plot([op["recall"]], [op["precision"]], "*", color=color, markersize=11)
        suite = next(s for s in result["suites"] if s["name"] == name)
        for system, marker in markers.items():
            m = suite["systems"].get(system)
            if m and m.get("spun_documents"):
                ax.plot([m["recall"]], [m["precision"]], marker, color=color, fillstyle="none",
                        label=f"{system} · {name}" if k == 0 else None)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("respin over thresholds (★ operating point; labels: threshold)")
    ax.legend(fontsize=7, loc="lower left")
    clean_suites = [s["name"] for s in result["suites"] if s["clean_documents"]]
    ths = [p["threshold"] for p in result["sweep"]]
    for k, name in enumerate(clean_suites):
        ys = [p["suites"].get(name, {}).get("clean_changed_per_1k_words", 0.0) for p in result["sweep"]]
        ax2.plot(ths, ys, "-", marker=".", color=f"C{k + len(spun_suites)}", label=name)
    ax2.set_xlabel("threshold (nats)")
    ax2.set_ylabel("clean-text changed spans per 1,000 words")
    ax2.grid(alpha=0.3)
    ax2.set_title("clean-text damage over thresholds")
    if clean_suites:
        ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return out


def write_markdown(result: dict[str, Any], path: Path, png_name: str | None, png_note: str | None,
                   top: int = 20) -> None:
    """The human report: table, detection, circularity, speed, sweep, per-rule table, examples."""
    cfg = result["config"]
    md = ["# respin-bench report", "",
          f"respin {result['respin_version']}, threshold {cfg['threshold']}, lexicon "
          f"{cfg['lexicon_rules']} rules"
          + (f" (+ {', '.join(cfg['lexicons'])})" if cfg["lexicons"] else "") + ".",
          "Metrics follow `../shared/tools/referee.py`: edit-level TP/FP/FN (a wrong change is "
          "both FP and FN; accepted alternatives are correct; a change outside every gold span "
          "is FP), micro-averaged over documents; WER against the preferred original; clean "
          "damage = changed token spans per 1,000 words of clean text.", "",
          "## Results", ""]
    rows = [list(r) for r in _rows(result)]
    md += _md_table(list(_HEADER), rows)
    md += ["", "```", *summary_lines(result), "```", ""]
    md += ["## Precision and recall over the threshold", ""]
    if png_name:
        md += [f"![precision-recall curve]({png_name})", ""]
    elif png_note:
        md += [f"_{png_note}_", ""]
    spun_suites = [s["name"] for s in result["suites"] if s["spun_documents"]]
    clean_suites = [s["name"] for s in result["suites"] if s["clean_documents"]]
    header = ["threshold", *[f"{n} P / R / F0.5" for n in spun_suites],
              *[f"{n} clean/1k" for n in clean_suites]]
    srows = []
    for p in result["sweep"]:
        row = [f"{p['threshold']:g}" + (" ★" if p["operating"] else "")]
        for n in spun_suites:
            m = p["suites"].get(n, {})
            row.append(f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f05']:.3f}" if "precision" in m else "-")
        for n in clean_suites:
            m = p["suites"].get(n, {})
            row.append(f"{m.get('clean_changed_per_1k_words', 0.0):.2f}")
        srows.append(row)
    if srows:
        md += _md_table(header, srows) + [""]
    md += ["## Rules", "",
           "Each respin edit is judged by the gold region it falls in: right (accepted), wrong "
           "(gold there, output not accepted), unasked (no gold span: FP), clean (an edit on a "
           "clean document). Rules with errors first.", ""]
    rrows = [[r["rule"], r["spun"], r["original"], str(r["fires"]), str(r["right"]), str(r["wrong"]),
              str(r["unasked"]), str(r["clean"]), "; ".join(r["examples"][:2])]
             for r in result["rules"][: max(top, sum(1 for r in result["rules"] if r["wrong"] + r["unasked"] + r["clean"]))]]
    if rrows:
        md += _md_table(["rule", "spun", "original", "fires", "right", "wrong", "unasked", "clean",
                         "examples"], rrows) + [""]
        if len(result["rules"]) > len(rrows):
            md += [f"({len(result['rules']) - len(rrows)} more rules in report.json)", ""]
    else:
        md += ["respin made no edits.", ""]
    if result["missed"]:
        md += ["## Most missed gold spans (left spun)", ""]
        md += _md_table(["spun", "original", "count"],
                        [[m["spun"], m["want"], str(m["count"])] for m in result["missed"][:top]]) + [""]
    if result["wrong"]:
        md += ["## Wrong changes", ""]
        md += _md_table(["kind", "text", "respin wrote", "wanted", "count"],
                        [[w["kind"], w["spun"], w["output"], w["want"], str(w["count"])]
                         for w in result["wrong"][:top]]) + [""]
    path.write_text("\n".join(md), encoding="utf-8")
