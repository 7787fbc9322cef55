"""Passwords that are guessable are refused: zxcvbn's frequency lists (leaked passwords, common names and
words, keyboard patterns, dates) are shipped in the package, so nothing is sent over the network."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_SCORE = 3  # zxcvbn's 0-4: 3 is "safely unguessable: moderate protection from offline slow-hash attacks"


class GuessablePasswordValidator:
    def validate(self, password, user=None):
        from zxcvbn import zxcvbn

        inputs = [v for v in (getattr(user, "username", ""), getattr(user, "first_name", ""),
                              getattr(user, "last_name", ""), getattr(user, "email", "")) if v]
        result = zxcvbn(password[:100], user_inputs=inputs)
        if result["score"] < MIN_SCORE:
            raise ValidationError(
                _("密码太容易被猜到（常见密码、泄露过的密码、单词、姓名、日期或键盘序列），请换一个更长、更随机的密码。"),
                code="password_guessable",
            )

    def get_help_text(self):
        return _("密码不能是常见密码、泄露过的密码，也不能由单词、姓名、日期或键盘序列拼成。")
