"""The text of a legacy Word file (.doc, or a WPS Writer file saved in the Word format) through
Debian's antiword or catdoc, run as a subprocess on a temporary copy; which tools, in which order,
with what timeout is in ``formats.yaml``."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from documents.formats import formats
from documents.model import DocumentError


def word_text(data: bytes, name: str) -> tuple[str, str]:
    """The text of a legacy Word file and the tool that read it; raises DocumentError naming each
    tool's failure (or that none is installed)."""
    table = formats()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="zwgk-doc-") as folder:
        path = Path(folder) / "attachment.doc"
        path.write_bytes(data)
        for tool in table["word_tools"]:
            if shutil.which(tool["name"]) is None:
                failures.append(f"{tool['name']} is not installed")
                continue
            command = [str(part).replace("{path}", str(path)) for part in tool["command"]]
            text, failure = _run(command, int(table["tool_timeout_seconds"]))
            if failure is None and text.strip():
                return text, str(tool["name"])
            failures.append(f"{tool['name']}: {(failure or 'no text').replace(str(path), name)}")
    raise DocumentError(name, "no text from a legacy Word file (" + "; ".join(failures) + ")")


def _run(command: list[str], timeout: int) -> tuple[str, str | None]:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "", f"gave no answer within {timeout} s"
    except OSError as exc:
        return "", f"could not be run ({exc})"
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return "", f"exit {done.returncode}" + (f", {said[-1]}" if said else "")
    return done.stdout.decode("utf-8", "replace"), None
