"""Chinese first, English complete: every string a user sees goes through gettext, and both catalogs
translate every one of them (DEVELOPERS: "both catalogs stay complete")."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh_Hans_CN", "en")


def _extracted(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    # the same extraction as `flask translate update` (wuye/cli.py)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "gettext_once", "--ignore-dirs", ".*", "-o", str(pot), "."],
                   check=True, cwd=ROOT, capture_output=True)
    with pot.open("rb") as f:
        return read_po(f)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(s and s.strip() for s in strings)


def test_every_string_in_the_code_has_a_translation_in_both_catalogs(tmp_path):
    wanted = [m.id for m in _extracted(tmp_path) if m.id]
    assert len(wanted) > 1000  # the extraction found the app's strings
    for lang in LANGUAGES:
        with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f)
        missing = [i for i in wanted if catalog.get(i) is None or not _translated(catalog.get(i))]
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        assert not missing, f"{lang}: {len(missing)} strings without a translation, e.g. {missing[:5]}"
        assert not fuzzy, f"{lang}: fuzzy (guessed) translations {fuzzy[:5]}"


def test_no_string_is_hidden_from_the_extractor_inside_an_f_string():
    hidden = re.compile(r"\b(?:_|_l|gettext|lazy_gettext|ngettext)\(\s*f[\"']")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "wuye").rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if hidden.search(line)]
    assert not found, f"gettext of an f-string cannot be translated: {found}"
