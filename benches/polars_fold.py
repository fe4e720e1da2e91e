"""The name folding both polars baselines use (benches/polars_checks.py and
benches/polars_dedupe.py), as lamsach folds names: lower case, diacritics
dropped, đ→d, whitespace runs to one space; polars expressions only, no
Python UDFs."""
import polars as pl


def fold(e: pl.Expr) -> pl.Expr:
    """Lower case, diacritics dropped, đ→d, whitespace runs to one space."""
    return (e.fill_null("").str.to_lowercase().str.replace_all("đ", "d")
            .str.normalize("NFD").str.replace_all(r"\p{Mn}", "")
            .str.replace_all(r"\s+", " ").str.strip_chars())
