"""Chinese phone numbers: mobiles (1[3-9] + 9 digits) and landlines with area code (0xx-xxxxxxxx)."""
from __future__ import annotations

import re
import unicodedata

# ASCII: a bare \d also matches ８ or ٥, which would be stored and never found by a search
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:(?:-|转|ext)(\d{1,6}))?$", re.ASCII)


def normalize_phone(raw: str | None) -> str | None:
    """The number in one canonical form (13812345678, 0755-12345678, 010-12345678-801), or None."""
    if not raw:
        return None
    # a Chinese input method types full-width digits and signs (１３８, ＋８６, －, （）)
    s = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", raw))
    s = re.sub(r"^(\+86|0086)-?", "", s)
    if _MOBILE.match(s.replace("-", "")):
        return s.replace("-", "")
    m = _LANDLINE.match(s)
    if not m:
        return None
    # area codes are 010 and 02x (three digits) or 0[3-9]xx (four digits): the split is never a guess
    digits = m.group(1) + m.group(2)
    area_len = 3 if digits.startswith(("010", "02")) else 4
    if digits[1] == "1" and not digits.startswith("010"):
        return None
    area, local = digits[:area_len], digits[area_len:]
    if not 7 <= len(local) <= 8:
        return None
    out = f"{area}-{local}"
    return f"{out}-{m.group(3)}" if m.group(3) else out


def mask_phone(phone: str) -> str:
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    return phone[:-4] + "****" if len(phone) > 4 else "****"
