"""Types of the compiled module (see lamsach/__init__.py for the API)."""

from typing import Any, Dict, List, Optional, Tuple

__version__: str

class LamsachError(Exception): ...

def check(
    path: Optional[str] = None,
    csv: Optional[bytes] = None,
    name: Optional[str] = None,
    profile: Optional[str] = None,
    reference: Optional[str] = None,
    group_by: Optional[str] = None,
    lang: str = "vi",
    mask_ids: bool = False,
    today: Optional[str] = None,
    dedupe: bool = True,
) -> Tuple[Dict[str, List[Any]], str, int]: ...
def rules(lang: str = "vi") -> List[Dict[str, str]]: ...
