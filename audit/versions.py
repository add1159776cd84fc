"""Versions of an item as auditors read them: one line per metadata field, then a sentence a line,
so that a diff between two versions shows what an edit after publication changed."""

from __future__ import annotations

import difflib

from storage.models import ItemVersion


def version_lines(version: ItemVersion) -> list[str]:
    """A version as lines for a diff: its metadata, then its text a sentence a line."""
    fields = [
        f"标题: {version.title or ''}",
        f"发布日期: {version.published_on or ''}",
        f"成文日期: {version.written_on or ''}",
        f"文号: {version.doc_no or ''}",
        f"索引号: {version.index_no or ''}",
        f"发布机构: {version.publisher or ''}",
        "",
    ]
    body = (version.body_text or "").replace("。", "。\n").splitlines()
    return fields + [line for line in body if line.strip()]


def version_diff(old: ItemVersion, new: ItemVersion) -> list[tuple[str, str]]:
    """(mark, line) pairs of a unified diff: mark is ``+``, ``-``, ``@`` or a space."""
    lines = difflib.unified_diff(version_lines(old), version_lines(new), lineterm="", n=2)
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        mark = line[:1] if line[:1] in "+-@" else " "
        out.append((mark, line[1:] if mark in "+- " else line))
    return out
