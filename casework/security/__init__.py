"""What protects the site as a whole: the client's address behind proxies, throttles, the security log,
response headers. Accounts (passwords, MFA, sessions) are casework.accounts."""
