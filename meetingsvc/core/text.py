"""Text helpers: search that works with or without Vietnamese diacritics."""

import unicodedata


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics and map đ to d: 'Phó Chủ tịch' -> 'pho chu tich'."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def search_terms(query: str | None) -> list[str]:
    return fold(query).split()


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches_all(column, query: str | None):
    """SQL condition: the folded column contains every folded word of the query."""
    import sqlalchemy as sa

    terms = search_terms(query)
    return sa.and_(*[column.like(like_pattern(t), escape="\\") for t in terms]) if terms else sa.true()
