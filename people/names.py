"""How a person is named on every page, e-mail and file: in Chinese order, by their name.

An account is shown as the person it is linked to (`Participant.user`), since that is the
name colleagues know; an account linked to nobody by its own names, family name first
(黄伟明, where Django's `get_full_name()` gives "伟明 黄"); an account with neither by its
user name. Lists that show accounts select `participant` with them (`ACCOUNT_PERSON`), so
naming them costs no query.
"""

# What a query that shows accounts selects with them: `select_related(f"{path}__{ACCOUNT_PERSON}")`.
ACCOUNT_PERSON = "participant"


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def person_name(user) -> str:
    """The name of the person behind `user` (a user account, or None for nobody)."""
    if user is None:
        return ""
    participant = getattr(user, ACCOUNT_PERSON, None)
    if participant is not None and participant.name:
        return participant.name
    family, given = (user.last_name or "").strip(), (user.first_name or "").strip()
    if family or given:
        # A name in Latin letters keeps its own order and the space between its parts.
        return f"{family}{given}" if _is_cjk(family + given) else f"{given} {family}".strip()
    return user.get_username()
