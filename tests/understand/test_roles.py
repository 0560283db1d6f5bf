"""Who a contact is, from the title their signature gives: the title as they wrote it, nothing more."""

from __future__ import annotations

from tystnad.understand.roles import Role, role_of


def test_a_title_in_a_column_laid_out_signature_is_quoted_without_the_rule_and_the_phone() -> None:
    signature = ("Best Regards,\n\nMike Rosa\n\n_______\n\nMichael Rosa, CEO          ------------------------\n"
                 "  Voice: (512) 310-9618                     CLEonline.example")
    assert role_of(signature) == (Role.DECIDER, "Michael Rosa, CEO")


def test_a_title_and_a_company_on_one_line_stay_together_and_a_plain_name_is_no_role() -> None:
    signature = "Anna Berg\nEkonomichef | Kvarnbyn AB\n070-123 45 67"
    assert role_of(signature) == (Role.DECIDER, "Ekonomichef | Kvarnbyn AB")
    assert role_of("Olle Hansson\nKvarnbyn AB") == (Role.UNKNOWN, "")
