"""Which e-mail domains can never be an organisation's: public and disposable mail providers."""

from __future__ import annotations

import pytest

from tandem.tenants.domains import public_mail_domains


@pytest.mark.parametrize("domain", [
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.fr", "icloud.com", "proton.me",
    "gmx.ch", "gmx.de", "web.de", "bluewin.ch", "orange.fr", "free.fr", "t-online.de",  # free providers
    "mailinator.com", "10minutemail.com", "guerrillamail.com",  # disposable addresses
    "GMAIL.COM", "@gmail.com", "mail.gmail.com",  # written otherwise, or under a provider's domain
])
def test_public_and_disposable_mail_providers_are_found(domain):
    assert public_mail_domains([domain]) == [domain]


@pytest.mark.parametrize("domain", ["alpha.example", "medienhaus.ch", "post.ch", "sbb.ch", "admin.ch",
                                    "migros.ch", "example.org", "co.uk"])
def test_organisations_own_domains_are_not(domain):
    assert public_mail_domains([domain]) == []


def test_only_the_public_ones_of_a_list_are_named_in_its_order():
    assert public_mail_domains(["alpha.example", "yahoo.com", "alpha-group.example", "gmx.net"]) == [
        "yahoo.com", "gmx.net"]
