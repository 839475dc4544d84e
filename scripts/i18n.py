"""Keep the Danish catalogues in step with the code.

    python scripts/i18n.py update   # extract each area's strings, merge into its da .po
    python scripts/i18n.py check    # list UI strings without a Danish translation (exit 1)

Each area may keep its own catalogue in web/<area>/translations; strings of an area
without one go to the core catalogue web/translations. Flask-Babel merges them all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "web" / "translations"


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("web/**/translations/da/LC_MESSAGES/messages.po"))


def extract(out: Path) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-o", str(out),
                    "--no-location", "--omit-header", str(ROOT)], check=True, capture_output=True)


def translated() -> dict[str, str]:
    """Every msgid with a Danish translation, over all catalogues."""
    out: dict[str, str] = {}
    for po in catalogues():
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id and m.string and (not isinstance(m.string, tuple) or all(m.string)):
                    out[m.id if isinstance(m.id, str) else m.id[0]] = m.string
    return out


def conflicts() -> list[str]:
    """Msgids that two catalogues translate differently (which one wins would be luck)."""
    seen: dict[str, dict[str, list[str]]] = {}
    for po in catalogues():
        with po.open("rb") as fh:
            for m in read_po(fh):
                if not m.id or not m.string:
                    continue
                key = m.id if isinstance(m.id, str) else m.id[0]
                val = m.string if isinstance(m.string, str) else m.string[0]
                seen.setdefault(key, {}).setdefault(val, []).append(str(po.relative_to(ROOT)))
    return [f"{k!r}: " + "; ".join(f"{v!r} in {', '.join(w)}" for v, w in vs.items())
            for k, vs in seen.items() if len(vs) > 1]


def missing() -> list[str]:
    pot = ROOT / "instance" / "messages.pot"
    pot.parent.mkdir(exist_ok=True)
    extract(pot)
    have = translated()
    with pot.open("rb") as fh:
        ids = [m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id]
    return [i for i in ids if i not in have]


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        gaps, clashes = missing(), conflicts()
        for g in gaps:
            print(f"untranslated: {g!r}")
        for c in clashes:
            print(f"translated differently: {c}")
        return 1 if gaps or clashes else 0
    if argv[:1] == ["update"]:
        pot = ROOT / "instance" / "messages.pot"
        extract(pot)
        po = CORE / "da" / "LC_MESSAGES" / "messages.po"
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "update", "-i", str(pot),
                        "-o", str(po), "-l", "da", "--no-fuzzy-matching", "--ignore-obsolete"],
                       check=True)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
