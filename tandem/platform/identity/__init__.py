"""Identity: signing in through each organisation's OpenID Connect provider or by e-mailed link, sessions."""
