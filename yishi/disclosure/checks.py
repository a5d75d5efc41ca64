"""A system check: printed notices need a CJK font the install provides (fonts-noto-cjk)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.core.checks import Warning, register


@register()
def cjk_font_installed(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return [Warning("fontconfig (fc-list) is missing: PDFs cannot find a Chinese font.",
                        hint="Run `make system-deps`.", id="disclosure.W001")]
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    if "CJK" not in out and "WenQuanYi" not in out:
        return [Warning("No Chinese font is installed: printed notices would show blank boxes.",
                        hint="Run `make system-deps` (installs fonts-noto-cjk).",
                        id="disclosure.W002")]
    return []
