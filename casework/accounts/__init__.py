"""Staff accounts: passwords, the second factor (TOTP, recovery codes), lockout, sessions."""
