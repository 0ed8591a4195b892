"""The check-in link as a QR code (二维码签到), drawn on the server with segno: no outside
service sees the link or its code."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str) -> bytes:
    """An SVG QR code of ``url``, medium error correction, scaled to about 220 px."""
    code = segno.make_qr(url, error="m")
    out = io.BytesIO()
    code.save(out, kind="svg", scale=6, border=2, xmldecl=False, svgclass="checkin-qr-svg")
    return out.getvalue()
